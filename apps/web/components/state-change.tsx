'use client';
import { StateBadge } from './state-badge';

/** "READY → RUNNING" with badges; nothing when no state changed. */
export function StateChange({ from, to }: { from: string | null; to: string | null }) {
  if (!from && !to) return null;
  if (from === to) return <StateBadge state={to ?? ''} />;
  return (
    <span className="state-change">
      {from ? <StateBadge state={from} /> : <span className="muted">∅</span>}
      <span aria-hidden="true"> → </span>
      {to ? <StateBadge state={to} /> : <span className="muted">∅</span>}
    </span>
  );
}

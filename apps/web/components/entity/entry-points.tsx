'use client';
import { useTranslation } from 'react-i18next';
import type { EntryPoint } from '../../lib/types/process';

type Props = {
  entryPoints: EntryPoint[] | null;
  busy: string | null;
  onStart(entry: EntryPoint): void;
};

/** Buttons that start a journey (`start-<service>`). */
export function EntryPoints({ entryPoints, busy, onStart }: Props) {
  const { t } = useTranslation();
  if (entryPoints === null) return <p className="muted">{t('app.loading')}</p>;
  if (entryPoints.length === 0) return <p className="muted">{t('entity.noEntryPoints')}</p>;
  return (
    <div className="entry-points">
      {entryPoints.map((e) => (
        <button
          key={e.service}
          type="button"
          className="btn btn-primary"
          data-testid={`start-${e.service}`}
          disabled={busy !== null}
          aria-busy={busy === e.service}
          onClick={() => onStart(e)}
        >
          {e.label}
        </button>
      ))}
    </div>
  );
}

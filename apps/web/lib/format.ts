import { currentLanguage } from './i18n';

const locale = () => (currentLanguage() === 'zh' ? 'zh-CN' : 'en-GB');

/** "21 Nov 2026, 09:30" / "2026/11/21 09:30" in the UI language; '—' for null. */
export function formatDateTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/** Time of day with seconds (live stream). */
export function formatTime(iso: string | number): string {
  return new Intl.DateTimeFormat(locale(), { timeStyle: 'medium' }).format(new Date(iso));
}

/** Pretty JSON for <pre>. */
export const prettyJson = (v: unknown): string => JSON.stringify(v, null, 2) ?? String(v);

/** A number in the UI language, at most `digits` decimals (−0.02, 1,234.5). */
export function formatNumber(n: number, digits = 2): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}

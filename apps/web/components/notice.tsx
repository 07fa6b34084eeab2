'use client';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A result message: `success`/`info` are polite status messages, `error` is an alert. */
export type NoticeMessage = { kind: 'success' | 'info' | 'error'; content: ReactNode; id: number };

let nextId = 1;
/** Builds a notice (a fresh id re-announces an identical text). */
export const notice = (kind: NoticeMessage['kind'], content: ReactNode): NoticeMessage => ({
  kind,
  content,
  id: nextId++,
});

/** The `notice` region; renders nothing without a message. */
export function Notice({ message, onClose }: { message: NoticeMessage | null; onClose?: () => void }) {
  const { t } = useTranslation();
  if (!message) return null;
  return (
    <div
      key={message.id}
      className={`notice notice-${message.kind}`}
      data-testid="notice"
      role={message.kind === 'error' ? 'alert' : 'status'}
      aria-live="polite"
    >
      <div className="notice-body">{message.content}</div>
      {onClose && (
        <button type="button" className="notice-close" onClick={onClose} aria-label={t('common.close')}>
          ×
        </button>
      )}
    </div>
  );
}

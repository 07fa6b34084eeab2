'use client';
import type { ReactNode } from 'react';

type Props = {
  /** Input id and test id; the error is `<id>-error`. */
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  autoComplete: 'current-password' | 'new-password';
  error?: string | null;
  hint?: ReactNode;
  autoFocus?: boolean;
  disabled?: boolean;
};

/** A labelled password input with its hint and its error shown at the field (`aria-describedby`). */
export function PasswordField({ id, label, value, onChange, autoComplete, error, hint, autoFocus, disabled }: Props) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={id}
        type="password"
        autoComplete={autoComplete}
        autoFocus={autoFocus}
        disabled={disabled}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error" data-testid={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

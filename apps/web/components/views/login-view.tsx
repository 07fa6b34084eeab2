'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiProblem, errorMessage } from '../../lib/api';
import { routes } from '../../lib/routes';
import { useSession } from '../../lib/session';
import { useTitle } from '../../lib/use-title';

/** The message of a failed sign-in: wrong credentials (or locked), throttled, or anything else. */
function loginFailure(err: unknown, t: TFunction): string {
  if (err instanceof ApiProblem && (err.status === 401 || err.status === 422)) return t('login.failed');
  if (err instanceof ApiProblem && err.status === 429)
    return err.retryAfter !== null ? t('login.throttled', { seconds: err.retryAfter }) : t('login.throttledLater');
  return t('login.error', { message: errorMessage(err) });
}

/** Sign in with username and password. */
export function LoginView() {
  const { t } = useTranslation();
  const router = useRouter();
  const { session, login } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useTitle(t('login.title'));

  useEffect(() => {
    if (session) router.replace(routes.mine);
  }, [session, router]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(loginFailure(err, t));
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form className="login-card" onSubmit={submit} noValidate>
        <h1>{t('app.name')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        <div className="field">
          <label htmlFor="login-username">{t('login.username')}</label>
          <input
            id="login-username"
            data-testid="login-username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            autoFocus
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        {error && (
          <p className="form-error" data-testid="login-error" role="alert">
            {error}
          </p>
        )}
        <button
          type="submit"
          className="btn btn-primary btn-block"
          data-testid="login-submit"
          disabled={busy || !username.trim() || !password}
        >
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}

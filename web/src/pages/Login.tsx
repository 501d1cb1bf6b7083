import { useState, type ReactNode } from 'react';
import { api, saveKey } from '../api.js';
import { useSubmit } from '../use-submit.js';
import { ErrorNote } from '../components/ui.js';

/** The admin key is checked against the API before it is kept (sessionStorage, this tab only). */
export function Login(props: { onSignedIn: () => void; themeButton: ReactNode }) {
  const [key, setKey] = useState('');
  const { error, busy, submit } = useSubmit(async () => {
    // Marked as the dashboard's sign-in, so the audit log records it (a script's use of the key is not a sign-in).
    await api('/keys', { key: key.trim(), headers: { 'x-switchboard-sign-in': 'dashboard' } });
    saveKey(key.trim());
    props.onSignedIn();
  });

  return (
    <div className="login">
      <form className="card login-card" onSubmit={(e) => void submit(e)}>
        <div className="login-head">
          <h1>Switchboard</h1>
          {props.themeButton}
        </div>
        <p className="muted">Sign in with the gateway's admin key. It is kept in this tab only and sent only in request headers.</p>
        <label className="field">
          <span className="field-label">Admin key</span>
          <input
            name="adminKey"
            type="password"
            autoComplete="current-password"
            autoFocus
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
          />
        </label>
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}

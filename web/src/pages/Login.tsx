import { useState, type ReactNode } from 'react';
import { signInWithKey, signInWithPassword, type SignedIn } from '../session.js';
import { useSubmit } from '../use-submit.js';
import { ErrorNote } from '../components/ui.js';

/**
 * Two ways in: a user's name and password (the session then lives in an
 * HttpOnly cookie the page never sees), or the gateway's admin key, the
 * break-glass way (checked against the API, then kept in this tab only).
 */
export function Login(props: { onSignedIn: (session: SignedIn) => void; themeButton: ReactNode }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const withPassword = useSubmit(async () => props.onSignedIn(await signInWithPassword(name.trim(), password)));
  const withKey = useSubmit(async () => props.onSignedIn(await signInWithKey(key.trim())));

  return (
    <div className="login">
      <div className="card login-card">
        <div className="login-head">
          <h1>Switchboard</h1>
          {props.themeButton}
        </div>
        <form className="login-form" onSubmit={(e) => void withPassword.submit(e)} aria-label="Password sign-in">
          <label className="field">
            <span className="field-label">Name</span>
            <input name="username" autoComplete="username" autoFocus value={name} onChange={(e) => setName(e.target.value)} required />
          </label>
          <label className="field">
            <span className="field-label">Password</span>
            <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
          <ErrorNote error={withPassword.error} />
          <button type="submit" className="primary" disabled={withPassword.busy || name.trim() === '' || password === ''}>
            {withPassword.busy ? 'Checking…' : 'Sign in'}
          </button>
        </form>
        <form className="login-form" onSubmit={(e) => void withKey.submit(e)} aria-label="Break-glass sign-in">
          <p className="muted">Or with the gateway's admin key. It is kept in this tab only and sent only in request headers.</p>
          <label className="field">
            <span className="field-label">Admin key</span>
            <input name="adminKey" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required />
          </label>
          <ErrorNote error={withKey.error} />
          <button type="submit" disabled={withKey.busy || key.trim() === ''}>
            {withKey.busy ? 'Checking…' : 'Sign in with the key'}
          </button>
        </form>
      </div>
    </div>
  );
}

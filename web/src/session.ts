import { createContext, useContext } from 'react';
import { api, ApiError, forgetKey, saveKey, savedKey, setCsrfToken } from './api.js';
import type { Session } from './types-users.js';

/**
 * Who is signed in to the page, and how: a user (the HttpOnly session cookie,
 * which the page never reads; GET /session says who it belongs to and gives
 * the CSRF token writes carry) or the admin key (kept in sessionStorage, as
 * before users existed). Pages read it with `useSession()`.
 */
export interface SignedIn extends Session {
  via: 'password' | 'admin-key';
}

/** The signed-in caller, or null when neither a saved key nor a session cookie opens the API. */
export async function currentSession(): Promise<SignedIn | null> {
  const via = savedKey() !== null ? 'admin-key' : 'password';
  try {
    return remember({ ...(await api<Session>('/session')), via });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      forgetKey();
      return null;
    }
    throw err;
  }
}

export async function signInWithPassword(name: string, password: string): Promise<SignedIn> {
  forgetKey();
  return remember({ ...(await api<Session>('/session', { method: 'POST', body: { name, password } })), via: 'password' });
}

/** The admin key is checked against the API before it is kept; the check is marked as the dashboard's sign-in for the audit log. */
export async function signInWithKey(key: string): Promise<SignedIn> {
  const session = await api<Session>('/session', { key, headers: { 'x-switchboard-sign-in': 'dashboard' } });
  saveKey(key);
  return remember({ ...session, via: 'admin-key' });
}

/** Ends the session on the server (every replica), or forgets the key. */
export async function signOut(session: SignedIn | null): Promise<void> {
  if (session?.via === 'password') await api('/session', { method: 'DELETE' }).catch(() => undefined);
  forgetKey();
  setCsrfToken(null);
}

function remember(session: SignedIn): SignedIn {
  setCsrfToken(session.csrfToken);
  return session;
}

export const SessionContext = createContext<SignedIn | null>(null);

export function useSession(): SignedIn {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function isAdmin(session: SignedIn): boolean {
  return session.role === 'admin';
}

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, forgetKey, messageOf, whenUnauthorized } from './api.js';
import { currentSession, isAdmin, SessionContext, signOut, type SignedIn } from './session.js';
import type { Page } from './types.js';
import { navigate, usePath } from './router.js';
import { applyTheme, nextTheme, savedTheme } from './theme.js';
import { Login } from './pages/Login.js';
import { OverviewPage } from './pages/Overview.js';
import { KeysPage } from './pages/Keys.js';
import { UpstreamsPage } from './pages/Upstreams.js';
import { ModelsPage } from './pages/Models.js';
import { AliasesPage } from './pages/Aliases.js';
import { LimitsPage } from './pages/Limits.js';
import { LogsPage } from './pages/Logs.js';
import { SettingsPage } from './pages/Settings.js';
import { AuditPage } from './pages/Audit.js';
import { LivePage } from './pages/Live.js';
import { PlaygroundPage } from './pages/Playground.js';
import { RoutingPage } from './pages/Routing.js';
import { UsersPage } from './pages/Users.js';
import { RequestsPage, REQUESTS_CHANGED } from './pages/Requests.js';
import { PerformancePage } from './pages/Performance.js';
import { PromptsPage } from './pages/Prompts.js';
import { AlertsPage } from './pages/Alerts.js';

/**
 * The pages and who sees them in the menu: `member` pages are for every
 * signed-in user (a member's show only their own things); a page without
 * `access` is for admins only, so a page added later stays out of a
 * member's menu until it says otherwise.
 */
interface PageEntry {
  path: string;
  title: string;
  render: () => ReactNode;
  access?: 'member';
}

const PAGES: PageEntry[] = [
  { path: '/', title: 'Overview', render: () => <OverviewPage /> },
  { path: '/keys', title: 'Keys', render: () => <KeysPage />, access: 'member' },
  { path: '/upstreams', title: 'Upstreams', render: () => <UpstreamsPage /> },
  { path: '/models', title: 'Models', render: () => <ModelsPage /> },
  { path: '/aliases', title: 'Aliases', render: () => <AliasesPage /> },
  { path: '/limits', title: 'Limits', render: () => <LimitsPage /> },
  { path: '/logs', title: 'Logs', render: () => <LogsPage />, access: 'member' },
  { path: '/live', title: 'Live', render: () => <LivePage /> },
  { path: '/playground', title: 'Playground', render: () => <PlaygroundPage /> },
  { path: '/settings', title: 'Settings', render: () => <SettingsPage /> },
  { path: '/audit', title: 'Audit', render: () => <AuditPage /> },
  { path: '/routing', title: 'Routing', render: () => <RoutingPage /> },
  { path: '/users', title: 'Users', render: () => <UsersPage /> },
  { path: '/requests', title: 'Requests', render: () => <RequestsPage />, access: 'member' },
  { path: '/prompts', title: 'Prompts', render: () => <PromptsPage /> },
  { path: '/alerts', title: 'Alerts', render: () => <AlertsPage /> },
  { path: '/performance', title: 'Performance', render: () => <PerformancePage /> },
];

export function App() {
  const [session, setSession] = useState<SignedIn | null | undefined>(undefined);
  const [startError, setStartError] = useState<string>();
  const [theme, setTheme] = useState(savedTheme);
  const path = usePath();

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    whenUnauthorized(() => {
      forgetKey();
      setSession(null);
    });
    currentSession().then(setSession, (err: unknown) => setStartError(messageOf(err)));
  }, []);

  const pages = session ? PAGES.filter((p) => p.access === 'member' || isAdmin(session)) : [];
  const page = pages.find((p) => p.path === path) ?? pages[0];
  const current = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    if (!page) return;
    document.title = `${page.title} · Switchboard`;
    // On a phone the menu is one row that scrolls sideways: keep the current page's link in sight.
    current.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [page, session]);
  const pending = usePendingRequests(session, path);

  const themeButton = (
    <button type="button" className="icon theme" title={`Theme: ${theme} (click to change)`} onClick={() => setTheme(nextTheme(theme))}>
      {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}
    </button>
  );

  if (session === undefined) return <div className="muted loading">{startError ?? 'Loading…'}</div>;
  if (session === null || !page) return <Login onSignedIn={setSession} themeButton={themeButton} />;

  return (
    <SessionContext.Provider value={session}>
      <div className="shell">
        <nav className="nav" aria-label="Pages">
          <div className="brand">Switchboard</div>
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <a
                  href={p.path}
                  ref={p === page ? current : undefined}
                  aria-current={p === page ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(p.path);
                  }}
                >
                  {p.title}
                  {p.path === '/requests' && pending > 0 && (
                    <span className="nav-count" title={`${pending} pending key requests`} data-testid="pending-requests">
                      {pending}
                    </span>
                  )}
                </a>
              </li>
            ))}
          </ul>
          <div className="nav-end">
            {themeButton}
            <span className="muted nav-who" title={session.via === 'admin-key' ? 'signed in with the admin key' : `signed in as ${session.role}`}>
              {session.user?.name ?? 'admin key'}
            </span>
            <button
              type="button"
              className="small"
              onClick={() => {
                void signOut(session).then(() => setSession(null));
              }}
            >
              Sign out
            </button>
          </div>
        </nav>
        <main className="main">
          <h1>{page.title}</h1>
          {page.render()}
        </main>
      </div>
    </SessionContext.Provider>
  );
}

/** Pending key requests, for the admin's side bar: looked at again on every page change and after a decision. */
function usePendingRequests(session: SignedIn | null | undefined, path: string): number {
  const [pending, setPending] = useState(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const changed = () => setTick((t) => t + 1);
    window.addEventListener(REQUESTS_CHANGED, changed);
    return () => window.removeEventListener(REQUESTS_CHANGED, changed);
  }, []);
  useEffect(() => {
    if (!session || !isAdmin(session)) return;
    api<Page<unknown>>('/key-requests', { query: { state: 'pending' } }).then(
      (list) => setPending(list.data.length),
      () => setPending(0),
    );
  }, [session, path, tick]);
  return pending;
}

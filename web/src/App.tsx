import { useEffect, useRef, useState } from 'react';
import { forgetKey, savedKey, whenUnauthorized } from './api.js';
import { navigate, usePath } from './router.js';
import { applyTheme, nextTheme, savedTheme } from './theme.js';
import { Login } from './pages/Login.js';
import { OverviewPage } from './pages/Overview.js';
import { KeysPage } from './pages/Keys.js';
import { UpstreamsPage } from './pages/Upstreams.js';
import { ModelsPage } from './pages/Models.js';
import { LimitsPage } from './pages/Limits.js';
import { LogsPage } from './pages/Logs.js';
import { SettingsPage } from './pages/Settings.js';
import { AuditPage } from './pages/Audit.js';
import { LivePage } from './pages/Live.js';
import { RoutingPage } from './pages/Routing.js';

const PAGES = [
  { path: '/', title: 'Overview', render: () => <OverviewPage /> },
  { path: '/keys', title: 'Keys', render: () => <KeysPage /> },
  { path: '/upstreams', title: 'Upstreams', render: () => <UpstreamsPage /> },
  { path: '/models', title: 'Models', render: () => <ModelsPage /> },
  { path: '/limits', title: 'Limits', render: () => <LimitsPage /> },
  { path: '/logs', title: 'Logs', render: () => <LogsPage /> },
  { path: '/live', title: 'Live', render: () => <LivePage /> },
  { path: '/settings', title: 'Settings', render: () => <SettingsPage /> },
  { path: '/audit', title: 'Audit', render: () => <AuditPage /> },
  { path: '/routing', title: 'Routing', render: () => <RoutingPage /> },
];

export function App() {
  const [signedIn, setSignedIn] = useState(() => savedKey() !== null);
  const [theme, setTheme] = useState(savedTheme);
  const path = usePath();

  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    whenUnauthorized(() => {
      forgetKey();
      setSignedIn(false);
    });
  }, []);

  const page = PAGES.find((p) => p.path === path) ?? PAGES[0];
  const current = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    document.title = `${page.title} · Switchboard`;
    // On a phone the menu is one row that scrolls sideways: keep the current page's link in sight.
    current.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [page, signedIn]);

  const themeButton = (
    <button type="button" className="icon theme" title={`Theme: ${theme} (click to change)`} onClick={() => setTheme(nextTheme(theme))}>
      {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}
    </button>
  );

  if (!signedIn) return <Login onSignedIn={() => setSignedIn(true)} themeButton={themeButton} />;

  return (
    <div className="shell">
      <nav className="nav" aria-label="Pages">
        <div className="brand">Switchboard</div>
        <ul>
          {PAGES.map((p) => (
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
              </a>
            </li>
          ))}
        </ul>
        <div className="nav-end">
          {themeButton}
          <button
            type="button"
            className="small"
            onClick={() => {
              forgetKey();
              setSignedIn(false);
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
  );
}

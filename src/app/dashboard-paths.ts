/**
 * The dashboard's own pages (web/src/App.tsx), which the browser may load
 * directly (a reload, a bookmark): each answers the app's index.html. A test
 * checks this list against the pages the app declares.
 */
export const DASHBOARD_PAGES = ['/', '/keys', '/upstreams', '/models', '/aliases', '/limits', '/logs', '/settings', '/audit', '/live', '/routing', '/users', '/requests', '/playground', '/prompts', '/alerts', '/performance'] as const;

/** A file of the built app: its hashed bundles, or a file at the root such as /favicon.svg. */
const ASSET_PATH = /^\/(assets\/.+|[^/]+\.[A-Za-z0-9]+)$/;

/** Whether a path names a file of the build rather than a page. */
export function isBuildFile(path: string): boolean {
  return ASSET_PATH.test(path);
}

export type SiteAnswer = 'page' | 'file' | 'none';

/**
 * What the dashboard answers for a request nothing else took: its page
 * (index.html) for a GET or HEAD that accepts HTML under one of its pages,
 * a file of the build for a path that names one, or nothing, so that a
 * probe, a scanner or a mistyped API path gets a plain 404 instead of a
 * page with a 200.
 */
export function siteAnswerFor(method: string, path: string, accept: string | undefined): SiteAnswer {
  if (method !== 'GET' && method !== 'HEAD') return 'none';
  if (isBuildFile(path)) return 'file';
  const page = DASHBOARD_PAGES.some((p) => path === p || (p !== '/' && path.startsWith(`${p}/`)));
  return page && acceptsHtml(accept) ? 'page' : 'none';
}

/** A browser's navigation says text/html; a client that says nothing, or anything (`*∕*`), takes it too. */
function acceptsHtml(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return /(^|,)\s*(text\/html|text\/\*|\*\/\*)\s*(;|,|$)/i.test(accept) && !/text\/html\s*;\s*q=0(\.0*)?\s*(,|$)/i.test(accept);
}

/**
 * The page may talk only to its own origin and run only its own files; it
 * holds the admin key, so no framing either. Inline styles are allowed
 * because charts set sizes through `style` attributes.
 */
export const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // index.html names the hashed assets of the current build: always ask again.
  'cache-control': 'no-cache',
};

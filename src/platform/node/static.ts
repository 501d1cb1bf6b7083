import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StaticSite } from '../../app/http-app.js';
import { PAGE_HEADERS } from '../../app/dashboard-paths.js';

/** Where `npm run build:web` writes the dashboard: web/dist at the package root. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

// The page's headers are the same on every platform (app/dashboard-paths.ts).
export { PAGE_HEADERS };

/**
 * Serves the built single-page app from `dir`: a file when the path names
 * one; `index.html` for any other path, so client-side routes survive a
 * reload (the HTTP app asks it only for the dashboard's own pages and for
 * file paths: app/dashboard-paths.ts). Files under `assets/` carry a content hash in their names (Vite),
 * so they may be cached for good. When the app was never built, a page says
 * how to build it.
 */
export function createStaticSite(dir: string = DEFAULT_WEB_DIR): StaticSite {
  const root = resolve(dir);
  return async (request) => {
    const path = decodePath(new URL(request.url).pathname);
    // `_headers` is the Workers assets binding's own file (web/public/_headers), not part of the site.
    const file = path === undefined || path === '/_headers' ? undefined : await findFile(root, path);
    if (file) {
      const immutable = path!.startsWith('/assets/');
      return fileResponse(request, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream', {
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      });
    }
    // A missing asset is a 404, not the page: a stale tab asking for an old bundle should fail plainly.
    if (path?.startsWith('/assets/') || extname(path ?? '') !== '')
      return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    const index = await findFile(root, '/index.html');
    if (!index) return notBuilt(root);
    return fileResponse(request, await readFile(index), TYPES['.html'], PAGE_HEADERS);
  };
}

function fileResponse(request: Request, body: Buffer, type: string, headers: Record<string, string>): Response {
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: { ...headers, 'content-type': type, 'content-length': String(body.length) },
  });
}

function decodePath(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}

/** The file under root that the path names, if it is a regular file; never anything outside root. */
async function findFile(root: string, path: string): Promise<string | undefined> {
  if (path.includes('\0')) return undefined;
  const file = resolve(join(root, path));
  if (!file.startsWith(root + sep)) return undefined;
  try {
    return (await stat(file)).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

function notBuilt(root: string): Response {
  const html = `<!doctype html><meta charset="utf-8"><title>Switchboard</title>
<p>The dashboard is not built (nothing in <code>${root.replace(/[<&]/g, '')}</code>). Run <code>npm run build:web</code>, or start with <code>npm start</code>, which builds it.</p>
<p>The API is up: <a href="/admin/api/openapi.json">/admin/api/openapi.json</a>.</p>`;
  return new Response(html, { status: 503, headers: { ...PAGE_HEADERS, 'content-type': TYPES['.html'] } });
}

import type { StaticSite } from '../../app/http-app.js';
import { isBuildFile, PAGE_HEADERS } from '../../app/dashboard-paths.js';
import type { Fetcher } from './bindings.js';

/**
 * The dashboard from the Workers assets binding (web/dist, wrangler.jsonc),
 * for the paths the HTTP app gives it (app/dashboard-paths.ts): a file of
 * the build as the binding has it (a 404 when it has none: the app answers
 * that in JSON), or, for one of the dashboard's pages, the app's index.html,
 * which the binding serves at `/`, with the page's headers.
 */
export function assetsSite(assets: Fetcher): StaticSite {
  return async (request) => {
    const url = new URL(request.url);
    if (isBuildFile(url.pathname)) return assets.fetch(request);
    const index = await assets.fetch(new Request(new URL('/', url), { method: request.method, headers: request.headers }));
    if (!index.ok) return index;
    const page = new Response(index.body, index);
    for (const [name, value] of Object.entries(PAGE_HEADERS)) page.headers.set(name, value);
    return page;
  };
}

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The Worker's entry, as wrangler.jsonc's `main` names it. */
export const WORKER_ENTRY = fileURLToPath(new URL('../src/platform/workers/worker.ts', import.meta.url));

/**
 * The Worker bundled as wrangler bundles it (esbuild, one ES module, the
 * workerd export conditions), for running it in workerd through Miniflare
 * without wrangler: `dev:workers --direct` and the entry's tests.
 */
export async function bundleWorker(entry: string = WORKER_ENTRY): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    target: 'es2022',
    // AsyncLocalStorage comes from the runtime (the nodejs_als flag).
    external: ['node:async_hooks'],
    write: false,
  });
  return out.outputFiles[0]!.text;
}

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureWebBuilt } from '../web/scripts/ensure-built.js';

/**
 * The build: the server's TypeScript compiled into dist/ (tsconfig.build.json)
 * and the dashboard into web/dist (Vite).
 *
 *   tsx scripts/build.ts             both, from clean (`npm run build`, and `prepare`)
 *   tsx scripts/build.ts --if-stale  each only when older than its sources (`npm start`)
 *
 * Whether dist/ is fresh is read from file times against a stamp written after
 * each build, so a start after no change costs a look at the folder. A stale
 * dist/ is rebuilt incrementally (tsc's build info), without cleaning.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.built');
const SERVER_SOURCES = ['src', 'tsconfig.json', 'tsconfig.build.json'].map((p) => join(ROOT, p));
/** Bundled for Workers by wrangler, not compiled here (tsconfig.build.json excludes it). */
const NOT_BUILT = join(ROOT, 'src', 'platform', 'workers');

export function buildServer(options: { clean: boolean }): void {
  const started = Date.now();
  if (options.clean) rmSync(DIST, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit ${result.status ?? result.signal})`);
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  console.error(`server compiled into dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Compiles the server when dist/ is missing or older than a source; says which it did. */
export function ensureServerBuilt(): 'fresh' | 'built' {
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestFile(SERVER_SOURCES)) return 'fresh';
  buildServer({ clean: false });
  return 'built';
}

async function buildWeb(): Promise<void> {
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
  console.error(`dashboard built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function newestFile(paths: string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    if (path === NOT_BUILT || !existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, info.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ifStale = process.argv.includes('--if-stale');
  try {
    if (ifStale) {
      ensureServerBuilt();
      await ensureWebBuilt((m) => console.error(m));
    } else {
      buildServer({ clean: true });
      await buildWeb();
    }
  } catch (err) {
    console.error(`build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Builds the dashboard when web/dist is missing or older than its sources,
 * so `npm start` on a fresh clone serves it and a restart after no change
 * costs only a look at file times. Run directly, or imported by the tests.
 */

const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['index.html', 'vite.config.ts', 'public', 'src'].map((p) => join(WEB_DIR, p));
const BUILT = join(WEB_DIR, 'dist', 'index.html');

export async function ensureWebBuilt(log: (message: string) => void = () => {}): Promise<'fresh' | 'built'> {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestSource()) return 'fresh';
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn' });
  log(`dashboard built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 'built';
}

function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, info.mtimeMs);
  };
  SOURCES.forEach(visit);
  return newest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  ensureWebBuilt((m) => console.error(m)).catch((err: unknown) => {
    console.error(`could not build the dashboard: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}

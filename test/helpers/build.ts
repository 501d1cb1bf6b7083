import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureServerBuilt } from '../../scripts/build.js';

const LOCK = fileURLToPath(new URL('../../dist.building', import.meta.url));

/**
 * Makes dist/ fresh for tests that run the CLI as installed (bin/switchboard.js),
 * compiling only what changed. Test files run in parallel: a lock folder lets
 * one compile while the others wait, then find it fresh.
 */
export async function builtCli(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Left by a run that was killed mid-build: taken over after ten minutes.
      if (Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 600_000) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    ensureServerBuilt();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

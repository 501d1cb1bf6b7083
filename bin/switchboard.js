#!/usr/bin/env node
// Runs the compiled CLI from dist/ (`npm run build`; a clone's `npm install`
// and `npm pack` build it through the `prepare` script).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('switchboard: not built (no dist/cli/main.js). Run `npm run build`, or `npm install`, which builds.');
  process.exit(1);
}
await import(main.href);

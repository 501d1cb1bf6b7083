// @ts-check
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_ONLY_MESSAGE = 'Node built-ins belong in src/platform/node or src/cli; the core must also run on Workers.';

/** Node built-ins and Node-only packages: allowed only in src/platform/* and src/cli (DESIGN.md, "Layout"). */
const NODE_ONLY = [
  { group: ['node:*'], message: NODE_ONLY_MESSAGE },
  {
    group: ['fs', 'fs/*', 'path', 'os', 'http', 'https', 'net', 'tls', 'stream', 'stream/*', 'crypto', 'child_process', 'url', 'util', 'events', 'buffer', 'zlib', 'worker_threads'],
    message: NODE_ONLY_MESSAGE,
  },
  {
    group: ['undici', 'better-sqlite3', '@hono/node-server', '@hono/node-server/*', 'ws', 'pg', 'ioredis', 'prom-client'],
    message: 'Node-only packages belong in src/platform/node or src/cli.',
  },
  {
    group: ['@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/resources'],
    message: 'The OpenTelemetry SDK and its exporter are the Node platform\'s (src/platform/node/traces.ts); core code makes spans through @opentelemetry/api.',
  },
];

/**
 * The layers of src/, lowest first (docs/architecture.md, "Layers"): each
 * row maps a folder to what it holds. A folder imports its own files, the
 * folders of lower rows and those of its own row, except the pairs in
 * APART; never a higher row. platform/ and cli/ are on top and import anything.
 */
const LAYERS = [
  { protocols: 'the wire vocabulary', runtime: 'the runtime port' },
  { config: "the config file's schema and the value types it declares" },
  { translate: 'the IR and the codecs, which know wire formats only' },
  { store: 'the Store port, its records and adapters, the counters' },
  { providers: "the upstreams' HTTP details", delivery: 'batches posted to HTTP endpoints with retries (alerts, log export)' },
  { routing: 'routes and credential pools', policy: 'auth, limits, budgets and cache rules', usage: 'usage, prices and the recorder', 'stored-responses': 'stored Responses answers', telemetry: 'metrics and traces of requests', prompts: 'prompt templates: their syntax, checks and rendering', alerts: "rules over the gateway's own figures, fired to webhooks", 'log-export': 'request rows sent to log platforms and files' },
  { gateway: 'the data plane', admin: 'the control plane' },
  { app: 'the assembly of the core from ports' },
];
const ON_TOP = { platform: 'the platforms', cli: 'the command line' };

/** Peers of one row that may not import each other, and why. */
const APART = [['gateway', 'admin', 'app/ mounts the data plane and the control plane side by side; what both need lives in a lower layer']];

// The patterns below match an import's text, which names the folder it
// reaches: exact as long as every folder of src/ is placed in a row and no
// folder deeper down is named like one of them. Checked here, so a new folder
// is placed before it is used.
const placed = new Set([...LAYERS.flatMap((row) => Object.keys(row)), ...Object.keys(ON_TOP)]);
for (const entry of readdirSync(join(import.meta.dirname, 'src'), { withFileTypes: true, recursive: true })) {
  if (!entry.isDirectory()) continue;
  const top = entry.parentPath === join(import.meta.dirname, 'src');
  if (top && !placed.has(entry.name)) {
    throw new Error(`eslint.config.js: src/${entry.name}/ is in no layer; add it to LAYERS (and to docs/architecture.md, "Layers")`);
  }
  if (!top && placed.has(entry.name)) {
    throw new Error(`eslint.config.js: ${relative(import.meta.dirname, join(entry.parentPath, entry.name))}/ is named like the layer src/${entry.name}/; rename it, or the layer rule would mistake one for the other`);
  }
}

/** The folders a folder may not import, with why: every folder of a higher row, and the peers it is kept apart from. */
function forbiddenFor(folder, rowIndex) {
  const forbidden = [];
  for (const [a, b, why] of APART) {
    const other = folder === a ? b : folder === b ? a : undefined;
    if (other) forbidden.push({ other, message: `${folder}/ may not import ${other}/: ${why}.` });
  }
  for (const higher of [...LAYERS.slice(rowIndex + 1), ON_TOP]) {
    for (const [other, holds] of Object.entries(higher)) {
      forbidden.push({
        other,
        message:
          `${folder}/ (${LAYERS[rowIndex][folder]}) may not import ${other}/ (${holds}), a higher layer: layers only import downward. ` +
          'Move what both need to the lowest layer that uses it, or pass it in as a port (docs/architecture.md, "Layers").',
      });
    }
  }
  return forbidden;
}

/**
 * One block per folder: its layer patterns with the Node-only ones (a later
 * block's options would replace an earlier one's), and the same folders
 * refused in `import()` and `import('…').Type`, which no-restricted-imports
 * does not see.
 */
const layerBlocks = LAYERS.flatMap((row, rowIndex) =>
  Object.keys(row).map((folder) => {
    const forbidden = forbiddenFor(folder, rowIndex);
    // esquery's regex literals cannot hold a slash: \x2F is one.
    const source = (other) => `Literal[value=/(^|\\x2F)${other}\\x2F/]`;
    return {
      files: [`src/${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': ['error', { patterns: [...NODE_ONLY, ...forbidden.map(({ other, message }) => ({ group: [`**/${other}/**`], message }))] }],
        'no-restricted-syntax': [
          'error',
          ...forbidden.flatMap(({ other, message }) => [
            { selector: `ImportExpression > ${source(other)}`, message },
            { selector: `TSImportType ${source(other)}`, message },
          ]),
        ],
      },
    };
  }),
);

const WORKERS_MESSAGE = 'belongs in src/platform/* or src/cli; the core must also run on Cloudflare Workers, which has no such global';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.bench-build/', 'data/', 'bench/results/', 'web/dist/', 'test/artifacts/', '.wrangler/', 'dist.building/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layerBlocks,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/platform/**', 'src/cli/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: `Buffer ${WORKERS_MESSAGE}: use Uint8Array, TextEncoder / TextDecoder, btoa / atob.` },
        { name: 'process', message: `process ${WORKERS_MESSAGE}: take the value (an environment variable, the clock) through a port.` },
        { name: 'setImmediate', message: `setImmediate ${WORKERS_MESSAGE}.` },
        { name: '__dirname', message: `__dirname ${WORKERS_MESSAGE}; there is no file system either.` },
        { name: '__filename', message: `__filename ${WORKERS_MESSAGE}; there is no file system either.` },
        { name: 'require', message: `require ${WORKERS_MESSAGE}: use import.` },
        { name: 'global', message: `global ${WORKERS_MESSAGE}: use globalThis.` },
        // Core code starts no timers: a wait inside a request is the runtime's
        // sleep, work after the response its defer, background work a job the platform drives.
        ...['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'].map((name) => ({
          name,
          message: `${name} belongs in src/platform/* or src/cli: core code starts no timers; wait with the runtime's sleep (afterDelay for a timer it can cancel), defer work past the response, make background work a job (src/app/jobs.ts).`,
        })),
      ],
    },
  },
  {
    // The Workers platform runs on workerd: no Node built-ins (but AsyncLocalStorage, which the `nodejs_als`
    // flag provides), no Node-only packages, nothing of the Node platform; timers are its own to start.
    files: ['src/platform/workers/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', '!node:async_hooks'], message: 'src/platform/workers runs on workerd, which has no Node built-ins but node:async_hooks (the nodejs_als flag).' },
            ...NODE_ONLY.slice(1),
            { group: ['**/platform/node/**', '../node/*'], message: 'src/platform/workers may not import the Node platform: it would bundle Node code into the Worker.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'setImmediate', '__dirname', '__filename', 'require', 'global'].map((name) => ({ name, message: `${name} does not exist on Cloudflare Workers.` })),
      ],
    },
  },
  {
    // The dashboard is bundled for the browser: it takes the server's types (its zod view schemas,
    // through z.infer) and nothing else, so no server code ends up in the bundle.
    files: ['web/**/*.{ts,tsx}'],
    ignores: ['web/scripts/**', 'web/vite.config.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', allowTypeImports: true, message: 'web/ uses zod for types only (z.infer of the server\'s schemas); the dashboard does not bundle it.' }],
          patterns: [
            {
              regex: '^(\\.\\./)+src/',
              allowTypeImports: true,
              message: 'web/ may take only types from the server (import type): anything else would be bundled into the dashboard.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);

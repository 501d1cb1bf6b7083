// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node built-ins and Node-only packages: allowed only in src/platform/node and src/cli (DESIGN.md, "Layout"). */
const NODE_ONLY = {
  patterns: [
    { group: ['node:*'], message: 'Node built-ins belong in src/platform/node or src/cli; the core must also run on Workers.' },
    {
      group: ['fs', 'fs/*', 'path', 'os', 'http', 'https', 'net', 'tls', 'stream', 'stream/*', 'crypto', 'child_process', 'url', 'util', 'events', 'buffer', 'zlib', 'worker_threads'],
      message: 'Node built-ins belong in src/platform/node or src/cli; the core must also run on Workers.',
    },
    {
      group: ['undici', 'better-sqlite3', '@hono/node-server', '@hono/node-server/*', 'ws', 'pg', 'ioredis'],
      message: 'Node-only packages belong in src/platform/node or src/cli.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'bench/results/', 'web/dist/', 'test/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/platform/node/**', 'src/cli/**'],
    rules: { 'no-restricted-imports': ['error', NODE_ONLY] },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);

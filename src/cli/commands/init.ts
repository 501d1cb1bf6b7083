import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_CONFIG } from '../config-file.js';

export const INIT_HELP = `switchboard init [--providers openai,anthropic,gemini,...] [--file PATH]

Writes a starter config file (default ./${DEFAULT_CONFIG}) with one upstream
per provider named (default: openai), a model for each, one client key and
SQLite storage in ./data. Keys and the secret are \${ENV} placeholders, read
from the environment at start. Never overwrites an existing file.

Providers: openai, anthropic, gemini, azure, copilot, codex, claude-code, ollama, cohere, jina, voyage, mock.`;

/** What one provider adds to the file: its upstream, the models it serves, the variables it reads. */
interface Starter {
  upstream: string;
  models: string;
  env: string[];
  /** What to do after writing, beyond setting the variables (sign-ins). */
  then?: string;
}

const STARTERS: Record<string, Starter> = {
  openai: {
    upstream: `  - id: openai
    kind: openai                  # also any OpenAI-compatible server: set baseUrl (and speaks: [chat] without /responses)
    credentials: [ { key: "\${OPENAI_API_KEY}" } ]`,
    models: `  - id: gpt-4o-mini
    routes: [ { upstream: openai, model: gpt-4o-mini } ]`,
    env: ['OPENAI_API_KEY'],
  },
  anthropic: {
    upstream: `  - id: anthropic
    kind: anthropic
    credentials: [ { key: "\${ANTHROPIC_API_KEY}" } ]`,
    models: `  - id: claude-sonnet-4-5
    routes: [ { upstream: anthropic, model: claude-sonnet-4-5 } ]`,
    env: ['ANTHROPIC_API_KEY'],
  },
  gemini: {
    upstream: `  - id: gemini
    kind: gemini
    credentials: [ { key: "\${GEMINI_API_KEY}" } ]`,
    models: `  - id: gemini-2.5-flash
    routes: [ { upstream: gemini, model: gemini-2.5-flash } ]`,
    env: ['GEMINI_API_KEY'],
  },
  azure: {
    upstream: `  - id: azure
    kind: azure
    baseUrl: \${AZURE_OPENAI_ENDPOINT}   # the resource endpoint, https://NAME.openai.azure.com
    deployments: { gpt-4o-mini: gpt-4o-mini }   # public model id -> your deployment's name
    credentials: [ { key: "\${AZURE_OPENAI_API_KEY}" } ]`,
    models: `  - id: azure-gpt-4o-mini
    routes: [ { upstream: azure, model: gpt-4o-mini } ]`,
    env: ['AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_API_KEY'],
  },
  copilot: {
    upstream: `  - id: copilot
    kind: copilot                 # a GitHub Copilot subscription; its models are fetched every hour
    modelSync: { intervalMinutes: 60 }`,
    models: '',
    env: [],
    then: 'switchboard upstream login copilot --upstream copilot',
  },
  codex: {
    upstream: `  - id: codex
    kind: codex                   # a ChatGPT subscription (sign in, or: switchboard upstream import-codex); models fetched hourly
    modelSync: { intervalMinutes: 60 }`,
    models: '',
    env: [],
    then: 'switchboard upstream login codex --upstream codex',
  },
  'claude-code': {
    upstream: `  - id: claude-code
    kind: claude-code             # a Claude Pro / Max subscription, meant by Anthropic for its own apps: docs/upstreams.md; models fetched hourly
    modelSync: { intervalMinutes: 60 }`,
    models: '',
    env: [],
    then: 'switchboard upstream login claude-code --upstream claude-code',
  },
  ollama: {
    upstream: `  - id: ollama
    kind: ollama                  # a local \`ollama serve\` (no key); its pulled models are fetched every hour
    modelSync: { intervalMinutes: 60 }`,
    models: '',
    env: [],
  },
  // Rerank vendors (docs/upstreams.md, "Rerank"): clients call /v2/rerank, /jina/v1/rerank or /voyage/v1/rerank.
  cohere: {
    upstream: `  - id: cohere
    kind: cohere                  # rerank (Cohere v1 and v2)
    credentials: [ { key: "\${COHERE_API_KEY}" } ]`,
    models: `  - id: rerank-v3.5
    routes: [ { upstream: cohere, model: rerank-v3.5 } ]`,
    env: ['COHERE_API_KEY'],
  },
  jina: {
    upstream: `  - id: jina
    kind: jina                    # rerank (Jina)
    credentials: [ { key: "\${JINA_API_KEY}" } ]`,
    models: `  - id: jina-reranker-v2-base-multilingual
    routes: [ { upstream: jina, model: jina-reranker-v2-base-multilingual } ]`,
    env: ['JINA_API_KEY'],
  },
  voyage: {
    upstream: `  - id: voyage
    kind: voyage                  # rerank (Voyage)
    credentials: [ { key: "\${VOYAGE_API_KEY}" } ]`,
    models: `  - id: rerank-2.5
    routes: [ { upstream: voyage, model: rerank-2.5 } ]`,
    env: ['VOYAGE_API_KEY'],
  },
  mock: {
    upstream: `  - id: mock
    kind: mock                    # answers every protocol offline, for trying clients
    models: [mock-gpt]`,
    models: `  - id: mock-gpt
    routes: [ { upstream: mock, model: mock-gpt } ]`,
    env: [],
  },
};

export const INIT_PROVIDERS = Object.keys(STARTERS);

/** The starter file's text for the providers named, in the order named. */
export function starterConfig(providers: string[]): string {
  const starters = providers.map((p) => STARTERS[p]);
  // Any upstream but the mock and a local Ollama holds credentials (keys or sign-in tokens), stored encrypted with the secret.
  const needsSecret = providers.some((p) => p !== 'mock' && p !== 'ollama');
  const models = starters.map((s) => s.models).filter(Boolean);
  return [
    `# Switchboard's config, written by \`switchboard init --providers ${providers.join(',')}\`.`,
    '# ${NAME} is read from the environment at start; `switchboard config check` lists what is missing.',
    "# Every setting: docs/config.md in Switchboard's source.",
    'server: { host: 127.0.0.1, port: 8788 }',
    '# adminKey: ${SWITCHBOARD_ADMIN_KEY}   # left out: generated once into ./data/admin-key',
    needsSecret
      ? 'secret: ${SWITCHBOARD_SECRET}          # encrypts upstream credentials at rest (e.g. `openssl rand -base64 32`)'
      : '# secret: ${SWITCHBOARD_SECRET}        # needed once an upstream has credentials',
    'storage: { url: "sqlite:./data/switchboard.db" }   # or postgres://user:pass@host:5432/db',
    'upstreams:',
    ...starters.map((s) => s.upstream),
    ...(models.length > 0
      ? ['models:', ...models]
      : ['# models: the upstreams above serve what model sync fetches, under their own ids']),
    'keys:',
    '  - name: me                      # a client key, generated and printed once at the first start',
    '    group: default',
    '',
  ].join('\n');
}

export function initCommand(options: { providers?: string; file?: string }): void {
  const providers = (options.providers ?? 'openai')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  const unknown = providers.filter((p) => !STARTERS[p]);
  if (providers.length === 0 || unknown.length > 0)
    throw new Error(`--providers: ${unknown.length > 0 ? `unknown ${unknown.join(', ')}` : 'name at least one'}; choose from ${INIT_PROVIDERS.join(', ')}`);
  const unique = [...new Set(providers)];
  const file = options.file ?? DEFAULT_CONFIG;
  if (existsSync(file)) throw new Error(`${file} already exists; not overwriting it (pass --file PATH to write another)`);

  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, starterConfig(unique), { flag: 'wx' });

  const env = [...new Set(unique.flatMap((p) => STARTERS[p].env))];
  if (unique.some((p) => p !== 'mock' && p !== 'ollama')) env.push('SWITCHBOARD_SECRET');
  const configFlag = file === DEFAULT_CONFIG ? '' : ` --config ${file}`;
  console.log(`Wrote ${file} (upstreams: ${unique.join(', ')}). Next:`);
  if (env.length > 0) console.log(`  set ${env.join(', ')} in the environment`);
  console.log(`  switchboard config check${configFlag}`);
  console.log(`  switchboard start${configFlag}`);
  for (const p of unique) if (STARTERS[p].then) console.log(`  ${STARTERS[p].then}${configFlag}`);
}

import { readFileSync } from 'node:fs';
import type { Config } from '../../config/schema.js';
import type { Store } from '../../store/store.js';
import { createSecretBox, noSecretBox, type SecretBox } from '../../policy/secrets.js';
import { fetchHttp, type HttpClient } from '../../providers/http.js';
import { createProviders } from '../../providers/registry.js';
import { nextInterval, pollDeviceCode, requestDeviceCode } from '../../providers/copilot/device-flow.js';
import { codeFromPaste, exchangeCode, startPkceLogin } from '../../providers/codex/oauth.js';
import { codexCredentialOf } from '../../providers/codex/credential.js';
import { claudeOAuthOf, exchangeClaudeCode, startClaudeLogin } from '../../providers/claude-code/oauth.js';
import { claudeCodeCredentialOf } from '../../providers/claude-code/credential.js';
import { createCatalog } from '../../routing/catalog.js';
import { syncModels } from '../../routing/model-sync.js';
import { addClaudeCodeCredential, addCodexCredential, addSignedInCredential, findUpstream } from '../../admin/upstream-login.js';
import { findSecret } from '../../platform/node/local-secrets.js';
import { upstreamRecordOf } from '../../admin/apply-config.js';
import { saveCredentialSecret } from '../../app/credential-secret.js';
import { withSealedProxies } from '../../app/sealed-proxy-store.js';
import { nodeSleep } from '../../platform/node/runtime.js';

export const UPSTREAM_HELP = `switchboard upstream <login|import-codex|import-claude-code|sync-models> --upstream ID [--config PATH]

  upstream login copilot --upstream ID
      Signs a copilot upstream in to GitHub (device flow): prints a code and a
      URL, waits while you approve it in a browser, stores the GitHub token.
  upstream login codex --upstream ID
      Signs a codex upstream in to ChatGPT: prints a URL; after signing in, the
      browser lands on http://localhost:1455/auth/callback?code=… (a page that
      does not load); paste that whole URL here.
  upstream import-codex --upstream ID --file PATH
      Imports the Codex CLI's sign-in (~/.codex/auth.json) as a credential.
  upstream login claude-code --upstream ID
      Signs a claude-code upstream in to a Claude subscription as Claude Code
      does: prints a URL; after signing in, the page shows a code
      (code#state); paste it here. (A token from \`claude setup-token\` needs
      no login: add it as the upstream's credential.)
  upstream import-claude-code --upstream ID --file PATH
      Imports Claude Code's own sign-in (~/.claude/.credentials.json) as a credential.
  upstream sync-models --upstream ID
      Asks the upstream for its models and stores them as its model list.

Credentials are stored encrypted in the database; a running gateway picks
them up within a few seconds.`;

interface UpstreamOptions {
  upstream?: string;
  file?: string;
}

export async function upstreamCommand(config: Config, rawStore: Store, args: string[], options: UpstreamOptions): Promise<void> {
  const [action, what] = args;
  // As in the gateway: a proxy URL is sealed in the database and plain here (app/sealed-proxy-store.ts).
  const secret = findSecret(config);
  const store = withSealedProxies(rawStore, secret.kind === 'none' ? noSecretBox() : await createSecretBox(secret.value));
  const upstreamId = options.upstream;
  if (!upstreamId) throw new Error(`upstream: --upstream ID is required\n\n${UPSTREAM_HELP}`);
  const http = fetchHttp(nodeSleep);
  await ensureUpstream(config, store, upstreamId);
  switch (action) {
    case 'login':
      if (what === 'copilot') return loginCopilot(store, await secretBox(config), http, upstreamId);
      if (what === 'codex') return loginCodex(store, await secretBox(config), http, upstreamId);
      if (what === 'claude-code') return loginClaudeCode(store, await secretBox(config), http, upstreamId);
      throw new Error(`upstream login: expected copilot, codex or claude-code\n\n${UPSTREAM_HELP}`);
    case 'import-codex': {
      if (!options.file) throw new Error('upstream import-codex: --file PATH is required (the Codex CLI keeps it at ~/.codex/auth.json)');
      const upstream = await findUpstream(store, upstreamId, 'codex');
      const authJson = JSON.parse(readFileSync(options.file, 'utf8')) as { tokens?: unknown };
      const tokens = codexCredentialOf(authJson.tokens ?? authJson);
      const record = await addCodexCredential(store, await secretBox(config), upstream.id, tokens);
      console.log(`Imported ${record.label} into upstream ${upstream.id} as credential ${record.id}.`);
      return;
    }
    case 'import-claude-code': {
      if (!options.file) throw new Error('upstream import-claude-code: --file PATH is required (Claude Code keeps it at ~/.claude/.credentials.json)');
      const upstream = await findUpstream(store, upstreamId, 'claude-code');
      const tokens = claudeCodeCredentialOf(JSON.parse(readFileSync(options.file, 'utf8')));
      const record = await addClaudeCodeCredential(store, await secretBox(config), upstream.id, tokens);
      console.log(`Imported ${record.label} into upstream ${upstream.id} as credential ${record.id}.`);
      return;
    }
    case 'sync-models': {
      const box = await secretBox(config);
      const catalog = await createCatalog(store, box);
      const providers = createProviders(http, { saveCredentialSecret: (change) => saveCredentialSecret(store, box, catalog, change) });
      const ids = await syncModels({ store, catalog, providers }, upstreamId);
      console.log(`Upstream ${upstreamId} lists ${ids.length} models:${ids.map((id) => `\n  ${id}`).join('')}`);
      return;
    }
    default:
      throw new Error(`upstream: expected login, import-codex, import-claude-code or sync-models\n\n${UPSTREAM_HELP}`);
  }
}

/**
 * An upstream the config file declares but the database does not hold yet
 * (the gateway has not started since it was added) is written first, as
 * starting would, so it can be signed in right away.
 */
async function ensureUpstream(config: Config, store: Store, upstreamId: string): Promise<void> {
  if ((await store.upstreams.list()).some((u) => u.id === upstreamId)) return;
  const declared = config.upstreams.find((u) => u.id === upstreamId);
  if (declared) await store.upstreams.put(upstreamRecordOf(declared, declared.baseUrl ?? null));
}

async function secretBox(config: Config): Promise<SecretBox> {
  const secret = findSecret(config);
  if (secret.kind === 'none') throw new Error(`credentials cannot be stored: no secret to encrypt them with (set \`secret\` in the config file)`);
  return createSecretBox(secret.value);
}

async function loginCopilot(store: Store, box: SecretBox, http: HttpClient, upstreamId: string): Promise<void> {
  const upstream = await findUpstream(store, upstreamId, 'copilot');
  const signal = new AbortController().signal;
  const device = await requestDeviceCode(http, upstream, signal);
  console.log(`Open ${device.verificationUri} and enter the code ${device.userCode}`);
  console.log('Waiting for approval…');
  const until = Date.now() + device.expiresIn * 1000;
  let interval = device.interval;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
    if (Date.now() > until) throw new Error('the code expired before it was approved; run the command again');
    const poll = await pollDeviceCode(http, upstream, device.deviceCode, signal);
    switch (poll.kind) {
      case 'pending':
        interval = nextInterval(interval, poll);
        continue;
      case 'expired':
        throw new Error('the code expired before it was approved; run the command again');
      case 'denied':
        throw new Error('the sign-in was denied');
      case 'done': {
        const record = await addSignedInCredential(store, box, upstream.id, { secret: poll.token, label: 'copilot (device flow)' });
        console.log(`Signed in: upstream ${upstream.id} has a new credential ${record.id} (${record.hint}).`);
        return;
      }
      default:
        return poll satisfies never;
    }
  }
}

async function loginCodex(store: Store, box: SecretBox, http: HttpClient, upstreamId: string): Promise<void> {
  const upstream = await findUpstream(store, upstreamId, 'codex');
  const login = await startPkceLogin(upstream);
  console.log(`Open this URL in a browser and sign in to ChatGPT:\n\n  ${login.url}\n`);
  console.log('The browser then lands on http://localhost:1455/auth/callback?code=… (the page may not load).');
  const pasted = await readLine('Paste that URL (or its code) here: ');
  const code = codeFromPaste(pasted, login.state);
  const tokens = await exchangeCode(http, upstream, code, login.verifier, new AbortController().signal);
  const record = await addCodexCredential(store, box, upstream.id, tokens);
  console.log(`Signed in as ${record.label}: upstream ${upstream.id} has a new credential ${record.id}.`);
}

async function loginClaudeCode(store: Store, box: SecretBox, http: HttpClient, upstreamId: string): Promise<void> {
  const upstream = await findUpstream(store, upstreamId, 'claude-code');
  const login = await startClaudeLogin(upstream);
  console.log(`Open this URL in a browser and sign in to Claude (a Pro or Max subscription):\n\n  ${login.url}\n`);
  console.log(`The browser then lands on ${claudeOAuthOf(upstream).redirectUri}, which shows a code.`);
  const pasted = await readLine('Paste that code (code#state) here: ');
  const code = codeFromPaste(pasted, login.state);
  const tokens = await exchangeClaudeCode(http, upstream, code, login.state, login.verifier, new AbortController().signal);
  const record = await addClaudeCodeCredential(store, box, upstream.id, tokens);
  console.log(`Signed in as ${record.label}: upstream ${upstream.id} has a new credential ${record.id}.`);
}

/** Prints the prompt and reads one line from stdin (a terminal or a pipe). */
function readLine(prompt: string): Promise<string> {
  process.stdout.write(prompt);
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end !== -1) finish(() => resolve(text.slice(0, end).replace(/\r$/, '')));
    };
    const onEnd = () => finish(() => (text.trim() ? resolve(text.trim()) : reject(new Error('no input: stdin closed before a line was read'))));
    const finish = (settle: () => void) => {
      process.stdin.off('data', onData);
      process.stdin.off('end', onEnd);
      process.stdin.pause();
      settle();
    };
    process.stdin.on('data', onData);
    process.stdin.on('end', onEnd);
  });
}

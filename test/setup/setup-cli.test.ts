// `switchboard keys create --setup`: the CLI writes the key and its link to the database,
// prints the one-liners, and a running gateway on that database serves the link once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../../src/cli/config-file.js';
import { startNodeGateway, type NodeGateway } from '../../src/platform/node/gateway.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/gateway.js';

const dir = tempDir();
const withSecret = join(dir, 'switchboard.yaml');
const withoutSecret = join(dir, 'no-secret.yaml');
let gw: NodeGateway;

beforeAll(async () => {
  const common = `server: { host: 0.0.0.0, port: 8799 }\nadminKey: sb-admin-cli-setup-000000000\nstorage: { url: "sqlite:${join(dir, 'db.sqlite')}" }\nupstreams: [ { id: mock, kind: mock, models: [claude-mock] } ]\n`;
  writeFileSync(withSecret, `${common}secret: cli-setup-secret-000000000000000\n`);
  writeFileSync(withoutSecret, common);
  const config = readConfig(withSecret);
  gw = await startNodeGateway({ ...config, server: { ...config.server, host: '127.0.0.1', port: 0 } }, { log: () => {} });
});
afterAll(async () => {
  await gw?.close();
});

it('keys create --setup prints the one-liners of a link the gateway serves once', async () => {
  const res = await runCli(['keys', 'create', '--name', 'laptop', '--setup', '--config', withSecret]);
  expect(res.code, res.stderr).toBe(0);
  const key = /(sk-sb-[A-Za-z0-9_-]{43})/.exec(res.stdout)![1]!;
  const sh = /curl -fsSL (http:\/\/127\.0\.0\.1:8799\/setup\/sbs_[A-Za-z0-9_-]{43})\/claude\.sh \| sh/.exec(res.stdout);
  expect(sh, res.stdout).not.toBeNull();
  const link = sh![1]!;
  for (const agent of ['codex', 'gemini', 'opencode']) expect(res.stdout).toContain(`curl -fsSL ${link}/${agent}.sh | sh`);
  expect(res.stdout).toContain(`irm ${link}/claude.ps1 | iex`);

  const path = new URL(link).pathname;
  const first = await fetch(`${gw.url}${path}/claude.sh`);
  expect(first.status).toBe(200);
  expect(await first.text()).toContain(key);
  expect((await fetch(`${gw.url}${path}/claude.sh`)).status).toBe(404);
}, 60_000);

it('keys create --setup without a secret fails and makes no key', async () => {
  const res = await runCli(['keys', 'create', '--name', 'nosecret', '--setup', '--config', withoutSecret]);
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('--setup: one-line setup links cannot be made');
  const listed = await runCli(['keys', 'list', '--config', withoutSecret]);
  expect(listed.stdout).not.toContain('nosecret');
}, 60_000);

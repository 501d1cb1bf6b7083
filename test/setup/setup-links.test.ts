// One-line agent setup links through the real HTTP server: a key made with a link
// (admin API), its scripts fetched with curl and run with sh in a private HOME, and
// the files they write read back. The agents themselves run in setup-agents.test.ts.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY, startTestGateway } from '../helpers/gateway.js';
import { createKeyWithLink, readToml, realPython, runOneLiner, tempHome, toolsPath, which, type CreatedWithLink } from './setup-rig.js';

let clock = Date.parse('2026-03-02T10:00:00Z');
let gw: NodeGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    now: () => clock,
    extra: {
      upstreams: [{ id: 'mock', kind: 'mock', models: ['mock-model', 'claude-mock', 'gpt-mock', 'gemini-mock', 'text-embedding-mock'] }],
    },
  });
});
afterAll(async () => {
  await gw?.close();
});

let made = 0;
const newLink = (body: Record<string, unknown> = {}): Promise<CreatedWithLink> => createKeyWithLink(gw.url, ADMIN_KEY, { name: `setup-${made++}`, ...body });
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
const backupsOf = (dir: string, file: string) => readdirSync(dir).filter((f) => f.startsWith(`${file}.switchboard-backup-`));

describe('one-line setup scripts', () => {
  // Wrong tokens from this address are throttled (all tests come from 127.0.0.1): an address quiet for an hour starts afresh.
  beforeEach(() => {
    clock += 2 * 60 * 60_000;
  });

  it('claude.sh merges the gateway and key into ~/.claude/settings.json, keeps what was there, backs it up, prints no key', async () => {
    const created = await newLink();
    expect(created.setup.commands.claude.sh).toBe(`curl -fsSL ${created.setup.url}/claude.sh | sh`);
    expect(created.setup.commands.claude.ps1).toBe(`irm ${created.setup.url}/claude.ps1 | iex`);
    expect(created.setup.url).toMatch(new RegExp(`^${gw.url}/setup/sbs_[A-Za-z0-9_-]{43}$`));
    const home = tempHome();
    mkdirSync(join(home, '.claude'));
    const before = { theme: 'dark', permissions: { allow: ['Bash(ls)'] }, env: { KEEP_ME: '1', ANTHROPIC_BASE_URL: 'https://old.example' } };
    writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify(before));

    const run = await runOneLiner(created.setup.commands.claude.sh, { HOME: home });
    expect(run.status, run.stderr).toBe(0);
    expect(json(join(home, '.claude', 'settings.json'))).toEqual({
      theme: 'dark',
      permissions: { allow: ['Bash(ls)'] },
      env: {
        KEEP_ME: '1',
        ANTHROPIC_BASE_URL: gw.url,
        ANTHROPIC_AUTH_TOKEN: created.key,
        ANTHROPIC_MODEL: 'claude-mock',
        ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-mock',
        ANTHROPIC_DEFAULT_SONNET_MODEL: 'claude-mock',
        ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-mock',
      },
    });
    const [backup] = backupsOf(join(home, '.claude'), 'settings.json');
    expect(json(join(home, '.claude', backup!))).toEqual(before);
    expect(run.stdout).toContain('settings.json');
    expect(run.stdout).toContain(created.prefix);
    expect(run.stdout + run.stderr).not.toContain(created.key);
  });

  it('serves a link once: the second fetch is a 404 script that fails, and `curl -fsSL` fails too', async () => {
    const created = await newLink();
    // A HEAD (a link checker's) does not use the link up.
    expect((await fetch(`${created.setup.url}/claude.sh`, { method: 'HEAD' })).status).toBe(405);
    const first = await fetch(`${created.setup.url}/claude.sh`);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(await first.text()).toContain(created.key);

    for (const script of ['claude.sh', 'codex.sh', 'claude.ps1']) {
      const again = await fetch(`${created.setup.url}/${script}`);
      expect(again.status).toBe(404);
      const body = await again.text();
      expect(body).not.toContain(created.key);
      expect(body).toContain('unknown, used or expired');
    }
    const home = tempHome();
    const piped = await runOneLiner(`curl -sS ${created.setup.url}/claude.sh | sh`, { HOME: home });
    expect(piped.status).toBe(1);
    expect(piped.stderr).toContain('switchboard: this setup link is unknown, used or expired');
    const failing = await runOneLiner(`set -e; curl -fsSL ${created.setup.url}/claude.sh > /dev/null`, { HOME: home });
    expect(failing.status).not.toBe(0);
    expect(readdirSync(home)).toEqual([]);
  });

  it('serves a link fetched twice at once to one of the two', async () => {
    const created = await newLink();
    const answers = await Promise.all([fetch(`${created.setup.url}/codex.sh`), fetch(`${created.setup.url}/gemini.sh`)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 404]);
    await Promise.all(answers.map((r) => r.text()));
  });

  it('expires: 15 minutes by default, or ttlMinutes', async () => {
    const short = await newLink({ setup: { ttlMinutes: 1 } });
    const usual = await newLink();
    expect(usual.setup.expiresAt).toBe(clock + 15 * 60_000);
    clock += 61_000;
    expect((await fetch(`${short.setup.url}/claude.sh`)).status).toBe(404);
    clock += 14 * 60_000 - 61_000 - 1;
    expect((await fetch(`${usual.setup.url}/claude.sh`)).status).toBe(200);
    const late = await newLink();
    clock += 15 * 60_000;
    const res = await fetch(`${late.setup.url}/opencode.sh`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(late.key);
  });

  it('serves nothing for a key revoked before its link was used', async () => {
    const created = await newLink();
    const keys = (await (await fetch(`${gw.url}/admin/api/keys?q=${created.prefix.slice(0, 12)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { data: { id: string }[] };
    await fetch(`${gw.url}/admin/api/keys/${keys.data[0]!.id}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect((await fetch(`${created.setup.url}/claude.sh`)).status).toBe(404);
  });

  it('answers an unknown script name with a 404 script, the link untouched', async () => {
    const created = await newLink();
    const res = await fetch(`${created.setup.url}/cursor.sh`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('claude.sh, codex.sh, gemini.sh, opencode.sh');
    expect((await fetch(`${created.setup.url}/claude.sh`)).status).toBe(200);
  });

  it('codex.sh writes a provider into $CODEX_HOME/config.toml, replacing its own table and top-level lines only, and the key into $CODEX_HOME/.env', async () => {
    for (const awk of [which('awk'), which('mawk')]) {
      const created = await newLink();
      const home = tempHome();
      const codexHome = join(home, 'codex-home');
      mkdirSync(codexHome);
      writeFileSync(
        join(codexHome, 'config.toml'),
        ['model = "o3"', 'approval_policy = "never"', '', '[model_providers.switchboard]', 'base_url = "https://old.example/v1"', '', '[model_providers.switchboard.http_headers]', 'x = "y"', '', '[profiles.fast]', 'model = "o4-mini"', ''].join('\n'),
      );
      writeFileSync(join(codexHome, '.env'), 'OTHER=1\nSWITCHBOARD_API_KEY=old\n');
      const run = await runOneLiner(created.setup.commands.codex.sh, { HOME: home, CODEX_HOME: codexHome }, toolsPath({ node: which('node') }, awk));
      expect(run.status, run.stderr).toBe(0);
      expect(readToml(join(codexHome, 'config.toml'))).toEqual({
        model: 'gpt-mock',
        model_provider: 'switchboard',
        approval_policy: 'never',
        profiles: { fast: { model: 'o4-mini' } },
        model_providers: { switchboard: { name: 'Switchboard', base_url: `${gw.url}/v1`, env_key: 'SWITCHBOARD_API_KEY', wire_api: 'responses' } },
      });
      expect(readFileSync(join(codexHome, '.env'), 'utf8')).toBe(`OTHER=1\nSWITCHBOARD_API_KEY=${created.key}\n`);
      expect(backupsOf(codexHome, 'config.toml')).toHaveLength(1);
      expect(existsSync(join(home, '.codex'))).toBe(false);
      expect(run.stdout + run.stderr).not.toContain(created.key);
    }
  });

  it('gemini.sh writes ~/.gemini/settings.json and the key and base URL into ~/.gemini/.env', async () => {
    const created = await newLink();
    const home = tempHome();
    mkdirSync(join(home, '.gemini'));
    writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({ ui: { theme: 'GitHub' }, security: { folderTrust: { enabled: true } } }));
    const run = await runOneLiner(created.setup.commands.gemini.sh, { HOME: home });
    expect(run.status, run.stderr).toBe(0);
    expect(json(join(home, '.gemini', 'settings.json'))).toEqual({
      ui: { theme: 'GitHub' },
      security: { folderTrust: { enabled: true }, auth: { selectedType: 'gemini-api-key' } },
      model: { name: 'gemini-mock' },
    });
    expect(readFileSync(join(home, '.gemini', '.env'), 'utf8')).toBe(`GEMINI_API_KEY=${created.key}\nGOOGLE_GEMINI_BASE_URL=${gw.url}\n`);
  });

  it('opencode.sh adds a provider with every chat model the key may use to $XDG_CONFIG_HOME/opencode/opencode.json', async () => {
    // An embedding model the key may use is no model for an agent: left out.
    const created = await newLink({ models: ['gpt-mock', 'mock-model', 'text-embedding-mock'] });
    const home = tempHome();
    const xdg = join(home, 'xdg');
    mkdirSync(join(xdg, 'opencode'), { recursive: true });
    writeFileSync(join(xdg, 'opencode', 'opencode.json'), JSON.stringify({ $schema: 'https://opencode.ai/config.json', provider: { other: { name: 'Other' } } }));
    const run = await runOneLiner(created.setup.commands.opencode.sh, { HOME: home, XDG_CONFIG_HOME: xdg });
    expect(run.status, run.stderr).toBe(0);
    expect(json(join(xdg, 'opencode', 'opencode.json'))).toEqual({
      $schema: 'https://opencode.ai/config.json',
      provider: {
        other: { name: 'Other' },
        switchboard: {
          npm: '@ai-sdk/openai-compatible',
          name: 'Switchboard',
          options: { baseURL: `${gw.url}/v1`, apiKey: created.key },
          models: { 'gpt-mock': { name: 'gpt-mock' }, 'mock-model': { name: 'mock-model' } },
        },
      },
      model: 'switchboard/gpt-mock',
      small_model: 'switchboard/gpt-mock',
    });
  });

  it('merges JSON with python3 where node is missing, and without either writes the file fresh next to a backup', async () => {
    const before = { theme: 'light', env: { KEEP_ME: '1' } };
    const withPython = await newLink();
    const home = tempHome();
    mkdirSync(join(home, '.claude'));
    writeFileSync(join(home, '.claude', 'settings.json'), JSON.stringify(before));
    const run = await runOneLiner(withPython.setup.commands.claude.sh, { HOME: home }, toolsPath({ python3: realPython() }));
    expect(run.status, run.stderr).toBe(0);
    const merged = json(join(home, '.claude', 'settings.json'));
    expect(merged.theme).toBe('light');
    expect(merged.env).toMatchObject({ KEEP_ME: '1', ANTHROPIC_AUTH_TOKEN: withPython.key });

    const bare = await newLink();
    const run2 = await runOneLiner(bare.setup.commands.claude.sh, { HOME: home }, toolsPath({}));
    expect(run2.status, run2.stderr).toBe(0);
    expect(run2.stdout).toContain('neither node nor python3');
    expect(json(join(home, '.claude', 'settings.json'))).toEqual({ env: expect.objectContaining({ ANTHROPIC_AUTH_TOKEN: bare.key }) });
    expect(json(join(home, '.claude', 'settings.json')).theme).toBeUndefined();
    const backups = backupsOf(join(home, '.claude'), 'settings.json').map((f) => json(join(home, '.claude', f)));
    expect(backups).toContainEqual(merged);
  });

  it('leaves a settings file that is not JSON as it was and fails', async () => {
    const created = await newLink();
    const home = tempHome();
    mkdirSync(join(home, '.claude'));
    writeFileSync(join(home, '.claude', 'settings.json'), '{ not json');
    const run = await runOneLiner(created.setup.commands.claude.sh, { HOME: home });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('could not merge');
    expect(readFileSync(join(home, '.claude', 'settings.json'), 'utf8')).toBe('{ not json');
  });

  it('throttles an address that sends wrong tokens, without taking a good link it sends meanwhile', async () => {
    const created = await newLink();
    const wrong = `${gw.url}/setup/sbs_${'A'.repeat(43)}/claude.sh`;
    for (let i = 0; i < 5; i++) expect((await fetch(wrong)).status).toBe(404);
    const refused = await fetch(`${created.setup.url}/claude.sh`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.text()).toContain('too many wrong setup links');
    clock += 1_000;
    expect((await fetch(`${created.setup.url}/claude.sh`)).status).toBe(200);
  });
});

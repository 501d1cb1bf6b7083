// What the scripts say, read as text: the PowerShell scripts set the same values as
// the sh scripts (which setup-links.test.ts runs; PowerShell is not installed here, so
// the .ps1 scripts are checked by their content), and the base URL a script writes:
// server.publicUrl, or the request's own, with X-Forwarded-* only behind a trusted proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ADMIN_KEY, startTestGateway } from '../helpers/gateway.js';
import { createKeyWithLink } from './setup-rig.js';

const AGENTS = ['claude', 'codex', 'gemini', 'opencode'] as const;

/** The values a sh script writes: its JSON patches, dotenv lines and TOML lines, the key replaced by <KEY>. */
function shValues(script: string, key: string) {
  const word = `'(?:[^']|'\\\\'')*'`;
  const unquote = (quoted: string) => quoted.slice(1, -1).replaceAll(`'\\''`, `'`);
  const text = script.replaceAll(key, '<KEY>');
  const assigned = (name: string) => [...text.matchAll(new RegExp(`^${name}=(${word})`, 'gm'))].map((m) => unquote(m[1]!));
  return {
    json: assigned('sb_patch').map((t) => JSON.parse(t)),
    env: [...text.matchAll(new RegExp(`^sb_set_env "\\$sb_file" (${word}) (${word})$`, 'gm'))].map((m) => [unquote(m[1]!), unquote(m[2]!)]),
    tomlTop: assigned('sb_toml_top').map((t) => t.split('\n')),
    tomlTable: assigned('sb_toml_table').map((t) => t.split('\n')),
    places: text.split('\n').filter((l) => /^(if \[ -n|sb_dir=|sb_file=)/.test(l)),
  };
}

/** The same, read from a PowerShell script: here-strings, Set-EnvLine and Merge-Toml arguments. */
function ps1Values(script: string, key: string) {
  const text = script.replaceAll(key, '<KEY>');
  const strings = (line: string) => [...line.matchAll(/'(?:[^']|'')*'/g)].map((m) => m[0].slice(1, -1).replaceAll(`''`, `'`));
  const lines = text.split('\n');
  const toml = lines.filter((l) => l.startsWith('Merge-Toml ')).map((l) => /^Merge-Toml \$file @\(([^)]*)\) @\(([^)]*)\) ('[^']*') @\(([^)]*)\)$/.exec(l)!);
  return {
    json: [...text.matchAll(/@'\n(.*)\n'@/g)].map((m) => JSON.parse(m[1]!)),
    env: lines.filter((l) => l.startsWith('Set-EnvLine ')).map((l) => strings(l)),
    tomlTop: toml.map((m) => strings(m[1]!)),
    tomlTable: toml.map((m) => [...strings(m[3]!), ...strings(m[4]!)]),
    places: lines.filter((l) => /^\$(dir|file) = /.test(l)),
  };
}

describe('setup scripts read as text', () => {
  let gw: NodeGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ extra: { upstreams: [{ id: 'mock', kind: 'mock', models: ['claude-mock', 'gpt-mock', 'gemini-mock'] }] } });
  });
  afterAll(async () => {
    await gw?.close();
  });
  let made = 0;
  const script = async (agent: string, ext: string, headers: Record<string, string> = {}) => {
    const created = await createKeyWithLink(gw.url, ADMIN_KEY, { name: `content-${made++}` });
    const res = await fetch(`${created.setup.url}/${agent}.${ext}`, { headers });
    expect(res.status).toBe(200);
    return { text: await res.text(), key: created.key, created };
  };

  for (const agent of AGENTS) {
    it(`${agent}.ps1 writes the same values as ${agent}.sh, to the same places`, async () => {
      const sh = await script(agent, 'sh');
      const ps1 = await script(agent, 'ps1');
      const fromSh = shValues(sh.text, sh.key);
      const fromPs1 = ps1Values(ps1.text, ps1.key);
      expect(fromSh.json.length + fromSh.env.length + fromSh.tomlTop.length).toBeGreaterThan(0);
      expect(fromPs1.json).toEqual(fromSh.json);
      expect(fromPs1.env).toEqual(fromSh.env);
      expect(fromPs1.tomlTop).toEqual(fromSh.tomlTop);
      expect(fromPs1.tomlTable).toEqual(fromSh.tomlTable);
      // The same folders: the variable the agent honours, else the same folder under HOME.
      const folders = (places: string[]) => places.join('\n').match(/(CLAUDE_CONFIG_DIR|CODEX_HOME|XDG_CONFIG_HOME|\.claude|\.codex|\.gemini|\.config\/opencode|opencode\.json|settings\.json|config\.toml|\.env)/g);
      expect(folders(fromPs1.places)).toEqual(folders(fromSh.places));
      // Runs in a script block (an error stops it without closing the shell iex runs in); the key is never printed.
      expect(ps1.text).toMatch(/^# Switchboard[^\n]*\n[^\n]*\n& \{\n/);
      expect(ps1.text.trimEnd().endsWith('}')).toBe(true);
      expect(ps1.text.split('\n').filter((l) => /Say|Write-Host/.test(l) && l.includes('<KEY>'))).toEqual([]);
    });
  }

  it('a used link answers .ps1 with a 404 that throws', async () => {
    const created = await createKeyWithLink(gw.url, ADMIN_KEY, { name: `content-${made++}` });
    await (await fetch(`${created.setup.url}/codex.ps1`)).text();
    const again = await fetch(`${created.setup.url}/codex.ps1`);
    expect(again.status).toBe(404);
    expect(await again.text()).toBe(`throw 'switchboard: this setup link is unknown, used or expired (each link works once, for a short time): ask for a new one'\n`);
  });

  it('writes the request\'s own base URL, and X-Forwarded-Proto / -Host only once a proxy is trusted', async () => {
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'llm.example.com' };
    const untrusted = await script('claude', 'sh', forwarded);
    expect(shValues(untrusted.text, untrusted.key).json[0].env.ANTHROPIC_BASE_URL).toBe(gw.url);

    const patch = (trustProxy: boolean) =>
      fetch(`${gw.url}/admin/api/settings`, { method: 'PATCH', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ security: { trustProxy } }) });
    expect((await patch(true)).status).toBe(200);
    try {
      const trusted = await script('claude', 'sh', forwarded);
      expect(shValues(trusted.text, trusted.key).json[0].env.ANTHROPIC_BASE_URL).toBe('https://llm.example.com');
      const odd = await script('gemini', 'sh', { 'x-forwarded-host': "evil.example'; rm -rf ~" });
      expect(shValues(odd.text, odd.key).env).toContainEqual(['GOOGLE_GEMINI_BASE_URL', gw.url]);
      // The admin API's commands are built the same way.
      const res = await fetch(`${gw.url}/admin/api/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...forwarded },
        body: JSON.stringify({ name: `content-${made++}`, setup: true }),
      });
      const created = (await res.json()) as { setup: { url: string; commands: { codex: { sh: string } } } };
      expect(created.setup.url.startsWith('https://llm.example.com/setup/sbs_')).toBe(true);
      expect(created.setup.commands.codex.sh).toBe(`curl -fsSL ${created.setup.url}/codex.sh | sh`);
    } finally {
      await patch(false);
    }
  });
});

describe('server.publicUrl, and a gateway without a secret', () => {
  it('writes server.publicUrl into the links and scripts', async () => {
    const gw = await startTestGateway({ extra: { server: { host: '127.0.0.1', port: 0, publicUrl: 'https://gw.example.org/' } } });
    try {
      const created = await createKeyWithLink(gw.url, ADMIN_KEY, { name: 'public' });
      expect(created.setup.url.startsWith('https://gw.example.org/setup/')).toBe(true);
      const text = await (await fetch(`${gw.url}${new URL(created.setup.url).pathname}/opencode.sh`)).text();
      expect(shValues(text, created.key).json[0].provider.switchboard.options.baseURL).toBe('https://gw.example.org/v1');
    } finally {
      await gw.close();
    }
  });

  it('refuses `setup` without a secret to seal the key with, and makes no key', async () => {
    const gw = await startTestGateway({ extra: { secret: undefined } });
    try {
      const res = await fetch(`${gw.url}/admin/api/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'no-secret', setup: true }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toContain('setup');
      const keys = (await (await fetch(`${gw.url}/admin/api/keys?q=no-secret`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { data: unknown[] };
      expect(keys.data).toEqual([]);
      // Without `setup`, keys are made as before.
      const plain = await fetch(`${gw.url}/admin/api/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'no-secret' }) });
      expect(plain.status).toBe(201);
      expect(await plain.json()).not.toHaveProperty('setup');
    } finally {
      await gw.close();
    }
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { ADMIN_KEY, logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { runOneLiner } from '../setup/setup-rig.js';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core)
 * against a real gateway and a fake OpenAI upstream: sign in, create a key and
 * use it from the OpenAI SDK, find the request in Logs and in the Overview,
 * revoke the key, add an upstream and see its health. Each page is
 * photographed into test/artifacts/ for a person to look at.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
// Without Chromium (a developer machine) the file is skipped; CI installs it (.ci/run), and there it must run.
const canRun = existsSync(CHROMIUM) || Boolean(process.env.CI);

let fake: FakeUpstream;
let gw: NodeGateway;
let browser: Browser;
let page: Page;
let createdKey = '';

const shot = (name: string, fullPage = true) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage });
const openPage = async (title: string) => {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: title }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
};

describe.skipIf(!canRun)('dashboard in a browser', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureWebBuilt();
    fake = await startFakeOpenAI();
    gw = await startTestGateway({ openaiUrl: fake.url });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    // Fail with the locator's own message well before the test's time is up.
    page.setDefaultTimeout(6000);
    // Confirmations (revoke) are accepted, as a person would.
    page.on('dialog', (dialog) => void dialog.accept());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await fake?.close();
  });

  it('refuses a wrong admin key in words, then signs in; the key stays out of the URL', async () => {
    await page.goto(gw.url);
    await page.getByLabel('Admin key').fill('wrong-key-0000000000');
    await page.getByRole('button', { name: 'Sign in with the key' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('invalid admin key');
    await shot('login', false);

    await page.getByLabel('Admin key').fill(ADMIN_KEY);
    await page.getByRole('button', { name: 'Sign in with the key' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(page.url()).not.toContain(ADMIN_KEY);
    expect(await page.evaluate(() => sessionStorage.getItem('switchboard.adminKey'))).toBe(ADMIN_KEY);
    expect(await page.evaluate(() => localStorage.length === 0 || !JSON.stringify(localStorage).includes('sb-admin'))).toBe(true);
  });

  it('creates a key that shows once with snippets, and works from the OpenAI SDK', async () => {
    await openPage('Keys');
    await page.getByRole('button', { name: 'New key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New key' });
    await dialog.getByLabel('Name').fill('browser-key');
    await dialog.getByLabel('Group').fill('web-team');
    await dialog.getByLabel('Response cache').selectOption('off');
    await dialog.getByLabel('IP allowlist').fill('127.0.0.0/8, ::1');
    await dialog.getByLabel('Stored responses (days)').fill('14');
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const created = page.getByTestId('created-key');
    createdKey = ((await created.locator('code').textContent()) ?? '').trim();
    expect(createdKey).toMatch(/^sk-/);
    for (const tab of ['OpenAI SDK (Python)', 'Anthropic SDK (Python)', 'curl', 'Claude Code', 'Codex CLI']) {
      await page.getByRole('tab', { name: tab }).click();
      const text = (await page.locator('.snippet pre').textContent()) ?? '';
      expect(text).toContain(createdKey);
      expect(text).toContain(gw.url);
    }
    expect(await page.locator('.snippet pre').textContent()).toContain('wire_api = "responses"');
    await page.getByRole('tab', { name: 'Claude Code' }).click();
    expect(await page.locator('.snippet pre').textContent()).toContain(`ANTHROPIC_AUTH_TOKEN=${createdKey}`);
    await shot('key-created', false);

    // The one-line agent setups: four commands on one link, as sh and as PowerShell; the sh one run as a user would.
    const setup = page.getByTestId('agent-setup');
    const command = async (agent: string) => ((await setup.locator(`[data-agent="${agent}"] code`).textContent()) ?? '').trim();
    const claudeSh = await command('claude');
    expect(claudeSh).toMatch(new RegExp(`^curl -fsSL ${gw.url}/setup/sbs_[A-Za-z0-9_-]{43}/claude\\.sh \\| sh$`));
    const link = claudeSh.slice('curl -fsSL '.length, -'/claude.sh | sh'.length);
    for (const agent of ['codex', 'gemini', 'opencode']) expect(await command(agent)).toBe(`curl -fsSL ${link}/${agent}.sh | sh`);
    await setup.getByRole('tab', { name: 'Windows (PowerShell)' }).click();
    expect(await command('codex')).toBe(`irm ${link}/codex.ps1 | iex`);
    const home = mkdtempSync(join(tmpdir(), 'switchboard-dialog-'));
    const ran = await runOneLiner(claudeSh, { HOME: home });
    expect(ran.status, ran.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(home, '.claude', 'settings.json'), 'utf8')).env).toMatchObject({ ANTHROPIC_BASE_URL: gw.url, ANTHROPIC_AUTH_TOKEN: createdKey });
    await page.getByRole('button', { name: 'Done' }).click();
    await page.locator('tr[data-key-name="browser-key"]').waitFor();
    const stored = [...gw.ctx.catalog.current().keysById.values()].find((k) => k.name === 'browser-key')!;
    expect(stored).toMatchObject({ cache: false, ipAllowlist: ['127.0.0.0/8', '::1'], responses: { store: true, retentionDays: 14 } });

    const client = new OpenAI({ apiKey: createdKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const reply = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'from the browser test' }] });
    expect(reply.choices[0].message.content).toBe('echo: from the browser test');
  });

  it('shows that request in Logs, with its detail', async () => {
    const rows = await logRows(gw);
    const mine = rows.find((r) => r.model === 'gpt-test' && r.group === 'web-team')!;
    expect(mine).toBeTruthy();
    await openPage('Logs');
    await page.getByLabel('Key', { exact: true }).selectOption({ label: 'browser-key' });
    await page.getByRole('button', { name: 'Filter' }).click();
    const row = page.locator(`tr[data-log-id="${mine.id}"]`);
    await row.waitFor();
    expect(await page.locator('[data-testid="logs-table"] tbody tr').count()).toBe(1);
    expect(await row.textContent()).toContain('browser-key');
    await row.click();
    const detail = page.getByTestId('log-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain(mine.id);
    expect(await detail.textContent()).toContain('gpt-upstream');
    await shot('log-detail', false);
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.locator('[data-testid="logs-table"] tbody tr').nth(rows.length - 1).waitFor();
    await shot('logs');
  });

  it('counts it in the Overview totals', async () => {
    // Some more traffic, so the charts and top lists have something to show.
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 6; i++) await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: `question ${i}` }] });
    await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    const rows = await logRows(gw);

    await openPage('Overview');
    await page.getByRole('button', { name: 'Last hour' }).click();
    const requests = page.getByTestId('stat-requests').locator('.stat-value');
    await expect.poll(() => requests.textContent(), { timeout: 5000 }).toBe(String(rows.length));
    const errors = rows.filter((r) => r.outcome !== 'ok').length;
    expect(await page.getByTestId('stat-errors').textContent()).toContain(errors === 1 ? '1 error' : `${errors} errors`);
    expect(await page.locator('.tops').textContent()).toContain('browser-key');
    await shot('overview');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: `${ARTIFACTS}overview-docs.png` });
    await page.setViewportSize({ width: 1360, height: 900 });
  });

  it('refuses the next request once the key is revoked', async () => {
    await openPage('Keys');
    const row = page.locator('tr[data-key-name="browser-key"]');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached' });
    const client = new OpenAI({ apiKey: createdKey, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'again' }] })).rejects.toMatchObject({ status: 401 });
    await page.getByLabel('Show revoked').check();
    expect(await page.locator('tr[data-key-name="browser-key"]').textContent()).toContain('revoked');
    await shot('keys');
  });

  it('adds an upstream and shows its health', async () => {
    await openPage('Upstreams');
    await page.getByRole('button', { name: 'Add upstream' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add upstream' });
    await dialog.getByLabel('Id', { exact: true }).fill('second');
    await dialog.locator('select[name=kind]').selectOption('openai');
    await dialog.getByLabel('Base URL').fill(`${fake.url}/v1`);
    await dialog.getByLabel('API key').fill('sk-second-upstream-key');
    await dialog.getByLabel('Label').fill('team key');
    await dialog.getByRole('button', { name: 'Add upstream' }).click();

    const card = page.getByTestId('upstream-second');
    await card.waitFor();
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('sk-…-key');
    expect(text).not.toContain('sk-second-upstream-key');
    expect(await card.locator('.badge', { hasText: 'healthy' }).count()).toBe(1);

    // A second credential, then the first moved after it from the page: the pool's order changes.
    const added = await fetch(`${gw.url}/admin/api/upstreams/second/credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'second-b', key: 'sk-second-spare-key' }),
    });
    expect(added.status).toBe(201);
    await page.reload();
    await card.locator('tr[data-credential="second-b"]').waitFor();
    const firstId = (await card.locator('tr[data-credential]').first().getAttribute('data-credential'))!;
    await card.locator(`tr[data-credential="${firstId}"]`).getByRole('button', { name: 'Later in the pool' }).click();
    await expect.poll(async () => (await card.locator('tr[data-credential]').first().getAttribute('data-credential'))).toBe('second-b');
    const pool = (await gw.ctx.store.upstreams.list()).find((u) => u.id === 'second')!;
    expect(pool.credentials.map((c) => c.id)).toEqual(['second-b', firstId]);
    await shot('upstreams');
  });

  it('shows a mistake from the API in words', async () => {
    await page.getByRole('button', { name: 'Add upstream' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add upstream' });
    await dialog.getByLabel('Id', { exact: true }).fill('second');
    await dialog.getByLabel('API key').fill('sk-whatever-0000');
    await dialog.getByRole('button', { name: 'Add upstream' }).click();
    await expect(dialog.getByRole('alert').textContent()).resolves.toContain('an upstream with id second already exists');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('lists models with their routes, and the settings; on a phone and in the dark too', async () => {
    await openPage('Models');
    expect(await page.getByTestId('models-table').textContent()).toContain('gpt-upstream');
    await shot('models');
    await openPage('Settings');
    await page.getByRole('heading', { name: 'Configuration' }).waitFor();
    await page.getByRole('button', { name: 'Load current into the editor' }).click();
    await expect.poll(() => page.getByLabel('Import (YAML or JSON)').inputValue()).toContain('SB_CREDENTIAL_');
    await page.getByRole('button', { name: 'Validate' }).click();
    await expect(page.getByTestId('import-result').textContent()).resolves.toContain('Valid');
    // Turning the cache on from the page changes the gateway's settings.
    await page.getByRole('checkbox', { name: 'Cache answers for every key' }).check();
    await page.getByLabel('Keep answers for (seconds)').fill('90');
    await page.getByRole('button', { name: 'Save cache settings' }).click();
    await page.getByText('Cache settings saved.').waitFor();
    expect(gw.ctx.settings.current().raw.cache).toMatchObject({ enabled: true, ttlSeconds: 90 });
    // The one wrong key tried at sign-in was counted, in the singular.
    await expect(page.getByTestId('refusals').textContent()).resolves.toMatch(/: 1 failed admin sign-in, /);
    await shot('settings');

    await page.emulateMedia({ colorScheme: 'dark' });
    await openPage('Overview');
    await page.getByTestId('stat-requests').waitFor();
    await shot('overview-dark');
    await page.setViewportSize({ width: 390, height: 844 });
    await openPage('Logs');
    await shot('logs-phone', false);
    // Nothing spills sideways on a phone: wide tables scroll inside their card.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});

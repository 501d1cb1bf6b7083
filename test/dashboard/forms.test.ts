import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { adminApi, ARTIFACTS, canRun, launchBrowser, openPage, signedInPage } from './browser.js';

/**
 * The dashboard's forms in a real browser against a real gateway: a model
 * with two routes, an Azure upstream's own fields, a group's and the whole
 * gateway's limits. Each is read back through the admin API afterwards.
 */

let fake: FakeUpstream;
let gw: NodeGateway;
let browser: Browser;
let page: Page;

const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png` });

describe.skipIf(!canRun)('dashboard forms', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    fake = await startFakeOpenAI();
    gw = await startTestGateway({ openaiUrl: fake.url });
    browser = await launchBrowser();
    page = await signedInPage(browser, gw.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await fake?.close();
  });

  it('adds a model with two routes in the order set on the page, and clients can use it', async () => {
    await openPage(page, 'Models');
    await page.getByRole('button', { name: 'Add model' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add model' });
    await dialog.getByLabel('Model id').fill('team-fast');
    await dialog.getByLabel('Route 1 upstream').selectOption('oai');
    await dialog.getByLabel('Route 1 model').fill('gpt-upstream');
    await dialog.getByRole('button', { name: 'Add route' }).click();
    await dialog.getByLabel('Route 2 upstream').selectOption('mock');
    await dialog.getByLabel('Route 2 model').fill('mock-model');
    await dialog.getByLabel('Route 2 weight').fill('3');
    // The mock first: moved up from the page before saving.
    await dialog.getByRole('button', { name: 'Route 2 earlier' }).click();
    await shot('model-form');
    await dialog.getByRole('button', { name: 'Add model' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('tr[data-model="team-fast"]').waitFor();

    const stored = await adminApi(gw.url, 'GET', '/models/team-fast');
    expect(stored.status).toBe(200);
    expect(stored.body.routes).toEqual([
      { upstream: 'mock', model: 'mock-model', weight: 3 },
      { upstream: 'oai', model: 'gpt-upstream' },
    ]);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'team-fast', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);

    // Editing the routes: the second one removed.
    await page.locator('tr[data-model="team-fast"]').getByRole('button', { name: 'Edit routes' }).click();
    const edit = page.getByRole('dialog', { name: 'Routes of team-fast' });
    await edit.getByRole('button', { name: 'Remove route 2' }).click();
    await edit.getByRole('button', { name: 'Save routes' }).click();
    await edit.waitFor({ state: 'detached' });
    expect((await adminApi(gw.url, 'GET', '/models/team-fast')).body.routes).toEqual([{ upstream: 'mock', model: 'mock-model', weight: 3 }]);
  });

  it('adds an Azure upstream with its deployments, then edits its fields', async () => {
    await openPage(page, 'Upstreams');
    await page.getByRole('button', { name: 'Add upstream' }).click();
    const add = page.getByRole('dialog', { name: 'Add upstream' });
    await add.getByLabel('Id', { exact: true }).fill('azure-east');
    await add.getByLabel('Kind').selectOption('azure');
    await add.getByLabel('Resource endpoint').fill(`${fake.url}/azure`);
    await add.getByLabel('API key', { exact: true }).fill('azure-key-0000000000000000');
    await add.getByLabel('API version').fill('2024-10-21');
    await add.getByLabel('Deployments').fill('gpt-4o = prod-gpt4o\n');
    await shot('upstream-azure-form');
    await add.getByRole('button', { name: 'Add upstream' }).click();
    await add.waitFor({ state: 'detached' });
    const card = page.getByTestId('upstream-azure-east');
    await expect(card.getByTestId('azure-deployments').textContent()).resolves.toBe('gpt-4o → prod-gpt4o');
    expect((await adminApi(gw.url, 'GET', '/upstreams/azure-east')).body).toMatchObject({
      kind: 'azure',
      baseUrl: `${fake.url}/azure`,
      settings: { apiVersion: '2024-10-21', deployments: { 'gpt-4o': 'prod-gpt4o' } },
      credentials: [{ hint: expect.stringContaining('…') }],
    });

    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit azure-east' });
    expect(await edit.getByLabel('API version').inputValue()).toBe('2024-10-21');
    await edit.getByLabel('API version').fill('2025-04-01-preview');
    await edit.getByLabel('Deployments').fill('gpt-4o = prod-gpt4o-v2\ngpt-4o-mini = mini-deploy');
    await edit.getByLabel('Credentials are').selectOption('bearer');
    await edit.getByText('Model sync, headers and timeouts').click();
    await edit.getByLabel('Extra headers').fill('x-team: platform');
    await edit.getByLabel('Idle (ms)').fill('45000');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    const edited = (await adminApi(gw.url, 'GET', '/upstreams/azure-east')).body;
    expect(edited.settings).toEqual({
      apiVersion: '2025-04-01-preview',
      deployments: { 'gpt-4o': 'prod-gpt4o-v2', 'gpt-4o-mini': 'mini-deploy' },
      authHeader: 'bearer',
    });
    expect(edited.headers).toEqual({ 'x-team': 'platform' });
    expect(edited.timeouts.idleMs).toBe(45_000);

    // An emptied field puts the kind's default back: the API version is removed, the rest stays.
    await card.getByRole('button', { name: 'Edit' }).click();
    await edit.getByLabel('API version').fill('');
    await edit.getByLabel('Deployments').fill('gpt-4o: wrong separator');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(edit.getByRole('alert').textContent()).resolves.toContain('Deployments: write each line as "model = deployment" (not "gpt-4o: wrong separator")');
    await edit.getByLabel('Deployments').fill('gpt-4o = prod-gpt4o-v2');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    expect((await adminApi(gw.url, 'GET', '/upstreams/azure-east')).body.settings).toEqual({
      deployments: { 'gpt-4o': 'prod-gpt4o-v2' },
      authHeader: 'bearer',
    });
    await shot('upstreams-azure');
  });

  it('sets a group limit and a gateway-wide limit', async () => {
    await openPage(page, 'Limits');
    await page.getByRole('button', { name: 'Add group limits' }).click();
    const group = page.getByRole('dialog', { name: 'Group limits' });
    await group.getByLabel('Group').fill('team-a');
    await group.getByLabel('Requests / min').fill('30');
    await group.getByLabel('USD').fill('5');
    await group.getByLabel('Per').selectOption('day');
    await group.getByRole('button', { name: 'Save' }).click();
    await group.waitFor({ state: 'detached' });
    const row = page.locator('tr[data-group="team-a"]');
    // The list reloads after the dialog closes: read it until it shows the new rule.
    await expect.poll(() => row.textContent()).toContain('30 requests / min · $5.00 a day');
    const stored = await adminApi(gw.url, 'GET', '/limits/groups/team-a');
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ limits: { rpm: 30 }, budget: { usd: 5, period: 'day' } });

    const global = page.getByTestId('limits-global');
    await global.getByRole('button', { name: 'Set limits' }).click();
    const dialog = page.getByRole('dialog', { name: 'Gateway-wide limits' });
    await dialog.getByLabel('Tokens / min').fill('100000');
    await dialog.getByLabel('Requests at once').fill('8');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => global.textContent()).toContain('100,000 tokens / min · 8 at once');
    const whole = await adminApi(gw.url, 'GET', '/limits/global');
    expect(whole.body).toMatchObject({ limits: { tpm: 100_000, concurrent: 8 }, budget: null });

    // A request of the group shows on its meters (a USD budget needs the model priced: an unpriced one is refused).
    expect((await adminApi(gw.url, 'PUT', '/prices/gpt-upstream', { input: 1, output: 2 })).status).toBe(201);
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'counted' }] }),
    });
    expect(res.status).toBe(200);
    await page.reload();
    await expect.poll(() => row.locator('.meter-label').first().textContent()).toBe('Requests this minute: 1 of 30');
    await shot('limits');

    // Removing the group's rule from the page.
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await adminApi(gw.url, 'GET', '/limits/groups/team-a')).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import OpenAI from 'openai';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { adminApi, ARTIFACTS, canRun, launchBrowser, openPage, signedInPage } from './browser.js';

/**
 * The Routing page in a real browser: a router's requests split by tier,
 * what they cost against the reference tier and the saving, its rules in
 * order; and a routed request's detail on the Logs page says which rule chose
 * its tier; and a router added, edited and deleted through the page.
 */

let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;
let browser: Browser;
let page: Page;

describe.skipIf(!canRun)('the Routing page', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    [oai, ant] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
    gw = await startTestGateway({
      openaiUrl: oai.url,
      anthropicUrl: ant.url,
      extra: {
        routers: [
          {
            id: 'auto',
            tiers: [
              { name: 'small', model: 'gpt-test' },
              { name: 'large', model: 'claude-test' },
            ],
            rules: [{ name: 'hard', when: { keywords: ['prove'] }, tier: 'large' }],
            default: 'small',
          },
        ],
        prices: { 'gpt-upstream': { input: 1, output: 2 }, 'claude-upstream': { input: 10, output: 20 } },
      },
    });
    const openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    for (const content of ['hi', 'hello', 'what time is it', 'prove it']) await openai.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content }] });
    await logRows(gw);
    browser = await launchBrowser();
    page = await signedInPage(browser, gw.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await Promise.all([oai?.close(), ant?.close()]);
  });

  it('shows the split by tier, the reference cost and the saving, and the rules', async () => {
    await openPage(page, 'Routing');
    const tiers = page.getByTestId('tiers-auto');
    await tiers.waitFor();
    const rows = await tiers.locator('tbody tr').allTextContents();
    expect(rows[0]).toMatch(/^small.*gpt-test.*3.*75%/);
    expect(rows[1]).toMatch(/^large \(reference\).*claude-test.*1.*25%/);
    // Three small requests at a tenth of the large price: each saved 9/10 of what it would have cost.
    const smallCost = (11 * 1 + 7 * 2) / 1e6;
    const saved = 3 * 9 * smallCost;
    await expect(page.getByTestId('saved-auto').textContent()).resolves.toContain(`$${saved.toPrecision(2)}`);
    const rules = await page.getByTestId('rules-auto').textContent();
    expect(rules).toContain('hard: says “prove” → tier large');
    expect(rules).toContain('otherwise: tier small');
    await page.screenshot({ path: `${ARTIFACTS}routing.png`, fullPage: true });
  });

  it("shows a routed request's router, tier and rule in the log detail", async () => {
    await openPage(page, 'Logs');
    // The newest row is the last request sent, `prove it`.
    await page.locator('[data-testid="logs-table"] tbody tr').first().click();
    const detail = page.getByTestId('log-detail');
    await detail.waitFor();
    await expect(detail.textContent()).resolves.toContain('auto → tier large (rule hard)');
    await page.screenshot({ path: `${ARTIFACTS}routing-log-detail.png` });
  });

  it('adds a router with tiers and a rule, edits it and deletes it', async () => {
    // The log detail of the test before is still open.
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await openPage(page, 'Routing');
    await page.getByRole('button', { name: 'Add router' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Router', { exact: true }).fill('tiered');
    await dialog.getByLabel('Tier 1 model').fill('gpt-test');
    await dialog.getByRole('button', { name: 'Add tier' }).click();
    await dialog.getByLabel('Tier 2 name').fill('large');
    await dialog.getByLabel('Tier 2 model').fill('claude-test');
    // A rule naming a tier the router does not have: the API's words in the dialog, nothing stored.
    await dialog.getByLabel('Rules (JSON)').fill('[{"name": "long", "when": {"minInputTokens": 100}, "tier": "huge"}]');
    await dialog.getByRole('button', { name: 'Add router' }).click();
    await expect(dialog.getByRole('alert').textContent()).resolves.toContain('huge');
    expect((await adminApi(gw.url, 'GET', '/routers/tiered')).status).toBe(404);

    await dialog.getByLabel('Rules (JSON)').fill('[{"name": "long", "when": {"minInputTokens": 100}, "tier": "large"}]');
    await dialog.getByRole('button', { name: 'Add router' }).click();
    await page.getByTestId('rules-tiered').waitFor();
    await expect(page.getByTestId('rules-tiered').textContent()).resolves.toContain('long: ≥ 100 input tokens → tier large');
    expect((await adminApi(gw.url, 'GET', '/routers/tiered')).body).toMatchObject({
      id: 'tiered',
      tiers: [
        { name: 'small', model: 'gpt-test' },
        { name: 'large', model: 'claude-test' },
      ],
      rules: [{ name: 'long', when: { minInputTokens: 100 }, tier: 'large' }],
    });

    // Edit: the default tier becomes large.
    await page.getByTestId('router-tiered').getByRole('button', { name: 'Edit' }).click();
    await dialog.getByLabel('Default tier').selectOption('large');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('rules-tiered').getByText('otherwise: tier large').waitFor();
    expect((await adminApi(gw.url, 'GET', '/routers/tiered')).body).toMatchObject({ default: 'large' });
    await page.screenshot({ path: `${ARTIFACTS}routing-edit.png`, fullPage: true });

    await page.getByTestId('router-tiered').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('router-tiered').waitFor({ state: 'detached' });
    expect((await adminApi(gw.url, 'GET', '/routers/tiered')).status).toBe(404);
  }, 60_000);
});

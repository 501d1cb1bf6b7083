import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { adminApi, ARTIFACTS, canRun, launchBrowser, openPage, signedInPage } from './browser.js';

/**
 * The Audit page in a real browser: a wrong key at the sign-in form and the
 * right one are there, with the admin's changes (an upstream with a secret
 * credential), filtered by action and opened, the secret masked.
 */

const CREDENTIAL = 'sk-dashboard-audit-credential-0001';

let gw: NodeGateway;
let browser: Browser;
let page: Page;

describe.skipIf(!canRun)('dashboard audit page', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    gw = await startTestGateway({});
    browser = await launchBrowser();
    // A wrong key first, at the form, as someone guessing would.
    const guess = await browser.newPage();
    await guess.goto(gw.url);
    await guess.getByLabel('Admin key').fill('sb-admin-a-wrong-guess-00000');
    await guess.getByRole('button', { name: 'Sign in with the key' }).click();
    await guess.getByRole('alert').waitFor();
    await guess.close();
    page = await signedInPage(browser, gw.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('lists sign-ins and changes, filters them, and shows one with its secrets masked', async () => {
    const made = await adminApi(gw.url, 'POST', '/upstreams', { id: 'audited', kind: 'openai', baseUrl: 'https://api.example.com/v1', credentials: [{ key: CREDENTIAL, label: 'main' }] });
    expect(made.status).toBe(201);
    expect((await adminApi(gw.url, 'PATCH', '/upstreams/audited', { enabled: false })).status).toBe(200);

    await openPage(page, 'Audit');
    const table = page.getByTestId('audit-table');
    // Rows are written just after each answer: reload until the last change is there.
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Filter' }).click();
      return table.getByText('PATCH /upstreams/{id}').count();
    }).toBe(1);
    await expect(table.getByText('sign-in.failed').count()).resolves.toBe(1);
    const signIn = table.locator('tr', { has: page.locator('code', { hasText: /^sign-in$/ }) });
    await expect(signIn.first().textContent()).resolves.toContain('admin key');
    await page.screenshot({ path: `${ARTIFACTS}audit.png` });

    await page.getByLabel('Action').fill('/upstreams');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    await table.getByText('POST /upstreams', { exact: true }).click();
    const detail = page.getByTestId('audit-detail');
    await expect(detail.textContent()).resolves.toContain('audited');
    const input = await page.getByRole('dialog').locator('pre').textContent();
    expect(JSON.parse(input ?? '')).toMatchObject({ body: { id: 'audited', credentials: '***' } });
    expect(await page.content()).not.toContain(CREDENTIAL);
    await page.screenshot({ path: `${ARTIFACTS}audit-entry.png` });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { adminApi, ARTIFACTS, canRun, launchBrowser, openPage, signedInPage } from './browser.js';

/**
 * The Prompts page in a real browser: a template made through the form, a
 * save refused with the API's problems shown under the fields they name, an
 * edit that saves a second version, a rollback to the first, and a delete;
 * after each step the admin API is asked what it now holds.
 */

let gw: NodeGateway;
let browser: Browser;
let page: Page;

const VARIABLES = JSON.stringify({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] });

describe.skipIf(!canRun)('the Prompts page', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    gw = await startTestGateway({});
    browser = await launchBrowser();
    page = await signedInPage(browser, gw.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('creates a template, shows a refused save field by field, saves a second version, rolls back and deletes', async () => {
    await openPage(page, 'Prompts');

    // Create: a placeholder the variables schema does not declare is refused, named under Messages.
    await page.getByRole('button', { name: 'Add template' }).click();
    const form = page.getByTestId('prompt-form');
    await form.getByLabel('Name').fill('weather');
    await form.getByLabel('Model').fill('mock-model');
    await form.getByLabel('System prompt').fill('You are a forecaster.');
    await form.getByLabel('Message 1 content').fill('The weather in {{town}}.');
    await form.getByLabel('Variables (JSON Schema)').fill(VARIABLES);
    await form.getByRole('button', { name: 'Add template' }).click();
    await expect(form.getByTestId('error-messages').textContent()).resolves.toMatch(/^messages\[0\]\.content: .*town/);
    await expect(form.getByRole('alert').count()).resolves.toBe(1);
    expect((await adminApi(gw.url, 'GET', '/prompts/weather')).status).toBe(404);
    await page.screenshot({ path: `${ARTIFACTS}prompts-form-error.png` });

    await form.getByLabel('Message 1 content').fill('The weather in {{city}}.');
    await form.getByRole('button', { name: 'Add template' }).click();
    const row = page.locator('[data-prompt="weather"]');
    await row.waitFor();
    await expect(row.getByTestId('published-version').textContent()).resolves.toContain('v1');
    let saved = (await adminApi(gw.url, 'GET', '/prompts/weather')).body;
    expect(saved).toMatchObject({
      version: 1,
      latestVersion: 1,
      spec: { model: 'mock-model', system: 'You are a forecaster.', messages: [{ role: 'user', content: 'The weather in {{city}}.' }], variables: JSON.parse(VARIABLES) },
    });

    // Edit: the second version, published at once.
    await row.getByRole('button', { name: 'Edit' }).click();
    await form.getByLabel('System prompt').fill('You are a poet.');
    await form.getByLabel('Parameters (JSON)').fill('{"temperature": 0.2}');
    await form.getByRole('button', { name: 'Save new version' }).click();
    // The list is read again after the form closes: wait for it to say so.
    await row.getByTestId('versions-count').filter({ hasText: /^2$/ }).waitFor();
    saved = (await adminApi(gw.url, 'GET', '/prompts/weather')).body;
    expect(saved).toMatchObject({ version: 2, latestVersion: 2, spec: { system: 'You are a poet.', parameters: { temperature: 0.2 } } });

    // Roll back to version 1: published again, the newest stays 2.
    await row.getByRole('button', { name: 'Versions' }).click();
    const versions = page.getByTestId('prompt-versions');
    await versions.locator('[data-version="1"]').getByRole('button', { name: 'Roll back to this version' }).click();
    await versions.locator('[data-version="1"]').getByText('published').waitFor();
    saved = (await adminApi(gw.url, 'GET', '/prompts/weather')).body;
    expect(saved).toMatchObject({ version: 1, latestVersion: 2, spec: { system: 'You are a forecaster.' } });
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await row.getByTestId('published-version').filter({ hasText: 'v1 rolled back' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}prompts.png`, fullPage: true });

    // Delete: gone with every version.
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await adminApi(gw.url, 'GET', '/prompts/weather')).status).toBe(404);
  });
});

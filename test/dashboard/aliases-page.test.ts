import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import OpenAI from 'openai';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { adminApi, ARTIFACTS, canRun, launchBrowser, openPage, signedInPage } from './browser.js';

/**
 * The Aliases page in a real browser: an alias made through the form (two
 * targets, one with overrides), a save the API refuses shown in its words,
 * an edit to random selection with weights, and a delete; after each step
 * the admin API says what it holds, and a client's request on the alias is
 * served by a target.
 */

let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;
let browser: Browser;
let page: Page;

describe.skipIf(!canRun)('the Aliases page', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    [oai, ant] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
    gw = await startTestGateway({ openaiUrl: oai.url, anthropicUrl: ant.url });
    browser = await launchBrowser();
    page = await signedInPage(browser, gw.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await Promise.all([oai?.close(), ant?.close()]);
  });

  it('creates an alias, shows a refused save, edits and deletes it', async () => {
    await openPage(page, 'Aliases');
    await page.getByText('No aliases').waitFor();

    // An alias named like a model: the API refuses it and the dialog says why; nothing is stored.
    await page.getByRole('button', { name: 'Add alias' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Alias', { exact: true }).fill('claude-test');
    await dialog.getByLabel('Target 1 model').fill('gpt-test');
    await dialog.getByRole('button', { name: 'Add alias' }).click();
    await expect(dialog.getByRole('alert').textContent()).resolves.toContain('claude-test is already a model id');
    expect((await adminApi(gw.url, 'GET', '/aliases')).body.data).toEqual([]);

    // Two targets, the second with overrides.
    await dialog.getByLabel('Alias', { exact: true }).fill('smart');
    await dialog.getByRole('button', { name: 'Add target' }).click();
    await dialog.getByLabel('Target 2 model').fill('claude-test');
    await dialog.getByLabel('Target 2 overrides').fill('{"temperature": 0.2, "maxTokens": 512}');
    await dialog.getByRole('button', { name: 'Add alias' }).click();
    const row = page.locator('[data-alias="smart"]');
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('claude-test · temperature 0.2 · max 512 tokens');
    expect((await adminApi(gw.url, 'GET', '/aliases/smart')).body).toEqual({
      id: 'smart',
      select: 'first-available',
      listed: true,
      targets: [{ model: 'gpt-test' }, { model: 'claude-test', overrides: { temperature: 0.2, maxTokens: 512 } }],
    });
    const openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const answer = await openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0].message.content).toBeTruthy();
    await page.screenshot({ path: `${ARTIFACTS}aliases.png` });

    // Edit: random by weight, unlisted.
    await row.getByRole('button', { name: 'Edit' }).click();
    await dialog.getByLabel('Selection').selectOption('random');
    await dialog.getByLabel('Target 1 weight').fill('3');
    await dialog.getByLabel('Listed in /v1/models').uncheck();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row.getByText('gpt-test ×3').waitFor();
    expect((await adminApi(gw.url, 'GET', '/aliases/smart')).body).toMatchObject({ select: 'random', listed: false, targets: [{ model: 'gpt-test', weight: 3 }, { model: 'claude-test' }] });

    // Delete.
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No aliases').waitFor();
    expect((await adminApi(gw.url, 'GET', '/aliases/smart')).status).toBe(404);
  });
});

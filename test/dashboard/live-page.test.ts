import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { LIMITED_KEY, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { adminApi, ARTIFACTS, canRun, launchBrowser, openPage, signedInPage } from './browser.js';

/**
 * The Live page in a real browser against a real gateway: requests appear as
 * they start and finish, a filter narrows them, pause holds the list, and a
 * row opens the request with its logged bodies.
 */

let fake: FakeUpstream;
let gw: NodeGateway;
let browser: Browser;
let page: Page;

const chat = (key: string, model: string, content: string) =>
  new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content }] });

describe.skipIf(!canRun)('the Live page', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    fake = await startFakeOpenAI();
    gw = await startTestGateway({ openaiUrl: fake.url });
    expect((await adminApi(gw.url, 'PATCH', '/settings', { logging: { bodies: 'full' } })).status).toBe(200);
    browser = await launchBrowser();
    page = await signedInPage(browser, gw.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await fake?.close();
  });

  it('tails requests as they start and finish, filters, pauses, and opens a row with its bodies', async () => {
    await openPage(page, 'Live');
    await page.getByText('live', { exact: true }).waitFor();
    // In flight first (the upstream holds its answer), then finished.
    fake.failNext({ kind: 'slow-first-byte', ms: 800 });
    const slow = chat(TEST_KEY, 'gpt-test', 'a slow question');
    await page.getByTestId('live-row').getByText('in flight').waitFor();
    await slow;
    await page.getByTestId('live-row').getByText('200').waitFor();
    await chat(LIMITED_KEY, 'mock-model', 'from the limited key');
    await expect.poll(() => page.getByTestId('live-row').count()).toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}live.png` });

    // Pause: what arrives waits until resumed.
    await page.getByRole('button', { name: 'Pause' }).click();
    await chat(TEST_KEY, 'gpt-test', 'while paused');
    await page.getByRole('button', { name: /Resume \(1 waiting\)/ }).waitFor();
    expect(await page.getByTestId('live-row').count()).toBe(2);
    await page.getByRole('button', { name: /Resume/ }).click();
    await expect.poll(() => page.getByTestId('live-row').count()).toBe(3);

    // A filter reconnects with it: only the limited key's requests show.
    await page.getByLabel('Key').selectOption({ label: 'limited' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Waiting for requests').waitFor();
    await chat(TEST_KEY, 'gpt-test', 'not shown');
    await chat(LIMITED_KEY, 'mock-model', 'shown');
    await page.getByTestId('live-row').getByText('mock-model').waitFor();
    await gw.ctx.recorder.flush();
    expect(await page.getByTestId('live-row').count()).toBe(1);

    // The row's detail reads its bodies from the request log.
    await page.getByTestId('live-row').click();
    const detail = page.getByRole('dialog', { name: 'Request' });
    await detail.getByText('"shown"', { exact: false }).first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}live-detail.png` });
  });
});

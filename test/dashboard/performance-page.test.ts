import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { ARTIFACTS, canRun, launchBrowser, openPage, signedInPage } from './browser.js';

/**
 * The Performance page in a real browser: streamed requests to a slow
 * upstream (first byte held back 300 ms) and a quick one show as two rows,
 * the slow one's first token p50 above 300 ms; switching to "by upstream"
 * reloads the table by upstream id.
 */

const SLOW_MS = 300;
let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;
let browser: Browser;
let page: Page;

describe.skipIf(!canRun)('the Performance page', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    [oai, ant] = await Promise.all([startFakeOpenAI({ chunkDelayMs: 10 }), startFakeAnthropic()]);
    gw = await startTestGateway({ openaiUrl: oai.url, anthropicUrl: ant.url });
    const openai = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const anthropic = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    oai.failNext({ kind: 'slow-first-byte', ms: SLOW_MS }, 2);
    for (let i = 0; i < 2; i++) {
      for await (const _ of await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello there' }], stream: true }));
      await anthropic.messages.stream({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'hello there' }] }).finalMessage();
    }
    await logRows(gw);
    browser = await launchBrowser();
    page = await signedInPage(browser, gw.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await Promise.all([oai?.close(), ant?.close()]);
  });

  it('shows time to first token and per token by model, then by upstream', async () => {
    await openPage(page, 'Performance');
    const table = page.getByTestId('performance-table');
    await table.waitFor();
    const cells = async (name: string) => (await table.locator('tbody tr', { hasText: name }).locator('td').allTextContents()).map((t) => t.trim());
    const gpt = await cells('gpt-test');
    const claude = await cells('claude-test');
    expect(gpt[1]).toBe('2');
    expect(claude[1]).toBe('2');
    expect(parseInt(gpt[2]!, 10)).toBeGreaterThanOrEqual(SLOW_MS);
    expect(parseInt(claude[2]!, 10)).toBeLessThan(SLOW_MS);
    await expect(page.getByRole('img', { name: 'Time to first token (p50)' }).count()).resolves.toBe(1);
    await expect(page.getByRole('img', { name: 'Time per output token (p50)' }).count()).resolves.toBe(1);

    await page.getByRole('button', { name: 'By upstream' }).click();
    await table.locator('tbody tr', { hasText: 'oai' }).waitFor();
    expect(await table.locator('thead th').first().textContent()).toBe('Upstream');
    expect(parseInt((await cells('oai'))[2]!, 10)).toBeGreaterThanOrEqual(SLOW_MS);
    await page.screenshot({ path: `${ARTIFACTS}performance.png`, fullPage: true });
  });
});

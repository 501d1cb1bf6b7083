import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startFakeAnthropic, startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { ARTIFACTS, canRun, launchBrowser, openPage, signedInPage } from './browser.js';

/**
 * The Playground page in a real browser against a real gateway: a streamed
 * Anthropic Messages conversation with a system prompt and an image, sent to a
 * model on an OpenAI Chat upstream, shows both sides of the wire and its row.
 */

let oai: FakeUpstream;
let ant: FakeUpstream;
let gw: NodeGateway;
let browser: Browser;
let page: Page;

describe.skipIf(!canRun)('the Playground page', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    oai = await startFakeOpenAI();
    ant = await startFakeAnthropic();
    gw = await startTestGateway({ openaiUrl: oai.url, anthropicUrl: ant.url });
    browser = await launchBrowser();
    page = await signedInPage(browser, gw.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await oai?.close();
    await ant?.close();
  });

  it('sends a conversation as the chosen client and shows the client and upstream exchanges and the usage row', async () => {
    await openPage(page, 'Playground');
    await page.getByLabel('Model', { exact: true }).fill('gpt-test');
    await page.getByLabel('Client shape').selectOption('anthropic-messages');
    await page.getByLabel('Stream', { exact: true }).check();
    await page.getByLabel('System prompt').fill('Answer in one word.');
    await page.getByLabel('Message 1', { exact: true }).fill('What is in this picture?');
    await page.getByLabel('Image URL').fill('https://example.com/cat.png');
    await page.getByRole('button', { name: 'Send' }).click();

    const usage = page.getByTestId('playground-usage');
    await usage.getByText('anthropic-messages -> openai-chat', { exact: false }).waitFor();
    await usage.getByText('playground', { exact: true }).waitFor();
    // The client side got Anthropic's events; the upstream side shows the Chat body the gateway sent, its key masked.
    const client = page.getByTestId('playground-client');
    await client.getByText('message_start', { exact: false }).first().waitFor();
    const upstream = page.getByTestId('playground-upstream');
    await upstream.getByText(`POST ${oai.url}/v1/chat/completions`).waitFor();
    await upstream.getByText('"image_url"', { exact: false }).first().waitFor();
    expect(await upstream.textContent()).not.toContain('sk-fake-openai');
    const sent = oai.calls.at(-1)?.body;
    expect(sent.messages[0]).toEqual({ role: 'system', content: 'Answer in one word.' });
    await page.screenshot({ path: `${ARTIFACTS}playground.png`, fullPage: true });

    // A bad tools field is refused on the page, before anything is sent.
    const calls = oai.calls.length;
    await page.getByLabel('Tools', { exact: true }).fill('{"not": "an array"}');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('Tools: tools must be a JSON array').waitFor();
    expect(oai.calls.length).toBe(calls);
  });
});

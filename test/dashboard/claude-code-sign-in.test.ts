import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic } from '../fakes/anthropic.js';
import { CLAUDE_FAKE_EMAIL, startFakeAnthropicAuth, type FakeAnthropicAuth } from '../fakes/anthropic-auth.js';
import type { FakeUpstream } from '../fakes/server.js';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { adminApi, ARTIFACTS, canRun, launchBrowser, openPage, signedInPage } from './browser.js';

/**
 * A claude-code upstream on the dashboard in a real browser: the Claude
 * sign-in dialog (open the URL, paste back the code the page shows), then
 * the subscription's usage limits under the new credential's health.
 */

let auth: FakeAnthropicAuth;
let api: FakeUpstream;
let gw: NodeGateway;
let browser: Browser;
let page: Page;
let unified: Record<string, string> = {};

describe.skipIf(!canRun)('dashboard: a Claude subscription', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    auth = await startFakeAnthropicAuth();
    api = await startFakeAnthropic({ subscription: { isLiveToken: (t) => auth.isLiveAccessToken(t), unifiedHeaders: () => unified } });
    gw = await startTestGateway({
      extra: {
        upstreams: [
          { id: 'mock', kind: 'mock', models: ['mock-model'] },
          { id: 'claude-max', kind: 'claude-code', baseUrl: api.url, oauth: { authorizeUrl: `${auth.url}/oauth/authorize`, tokenUrl: `${auth.url}/v1/oauth/token` } },
        ],
        models: [{ id: 'claude-sub', routes: [{ upstream: 'claude-max', model: 'claude-sonnet-4-20250514' }] }],
      },
    });
    browser = await launchBrowser();
    page = await signedInPage(browser, gw.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await api?.close();
    await auth?.close();
  });

  it('signs in through the dialog with the pasted code, and shows the usage limits the answers report', async () => {
    await openPage(page, 'Upstreams');
    const card = page.getByTestId('upstream-claude-max');
    await card.getByRole('button', { name: 'Sign in' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign in: claude-max' });
    await dialog.getByText("meant for Anthropic's own apps").waitFor();
    await dialog.getByRole('button', { name: 'Start sign-in' }).click();
    const href = await dialog.getByRole('link', { name: 'the sign-in page' }).getAttribute('href');
    const shown = auth.authorize(href!);
    await dialog.getByLabel('Code the page shows').fill(shown);
    await page.screenshot({ path: `${ARTIFACTS}claude-code-sign-in.png` });
    await dialog.getByRole('button', { name: 'Finish' }).click();
    await dialog.waitFor({ state: 'detached' });
    await card.getByText(`claude-code ${CLAUDE_FAKE_EMAIL}`).waitFor();
    const stored = await adminApi(gw.url, 'GET', '/upstreams/claude-max');
    expect(stored.body.credentials).toHaveLength(1);

    const reset = Math.floor(Date.now() / 1000) + 3600;
    unified = {
      'anthropic-ratelimit-unified-status': 'allowed',
      'anthropic-ratelimit-unified-reset': String(reset),
      'anthropic-ratelimit-unified-5h-utilization': '0.42',
      'anthropic-ratelimit-unified-5h-reset': String(reset),
      'anthropic-ratelimit-unified-7d-utilization': '0.07',
    };
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: gw.url, maxRetries: 0 });
    await client.messages.create({ model: 'claude-sub', max_tokens: 50, messages: [{ role: 'user', content: 'Say hi' }] });
    await page.getByRole('button', { name: 'Refresh' }).click();
    const quota = card.getByTestId('quota');
    await quota.waitFor();
    expect(await quota.textContent()).toMatch(/^quota allowed · 5h 42% \(resets .+\) · 7d 7%$/);
    await page.screenshot({ path: `${ARTIFACTS}claude-code-quota.png` });
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { adminApi, ARTIFACTS, canRun, launchBrowser, openPage, signedInPage } from './browser.js';

/**
 * The Alerts page in a real browser against a real gateway: a webhook and a
 * rule made through its forms (the API's 400 shown in the form), a test
 * message that reaches a local receiver, and a firing shown when requests fail.
 */

let gw: NodeGateway;
let browser: Browser;
let page: Page;
let receiver: http.Server;
let receiverUrl: string;
const received: { path: string; authorization: string | undefined; body: Record<string, unknown> }[] = [];

describe.skipIf(!canRun)('the Alerts page', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    receiver = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(text) as Record<string, unknown> });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    // Evaluated every second, so a firing shows within the test.
    gw = await startTestGateway({ extra: { alerts: { evaluateEverySeconds: 1, retry: { tries: 2, backoffMs: 1 } } } });
    browser = await launchBrowser();
    page = await signedInPage(browser, gw.url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    receiver?.close();
  });

  it('adds a webhook and a rule, sends a test that arrives, shows a firing, and deletes', async () => {
    await openPage(page, 'Alerts');
    await page.getByText('No webhooks').waitFor();

    // A webhook: the API's 400 (no URL) is shown in the form, then it is saved with a URL and a header.
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const form = page.getByRole('dialog', { name: 'New webhook' });
    await form.getByLabel('Id').fill('ops');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').getByText('http(s) URL').waitFor();
    await form.getByLabel('URL').fill(`${receiverUrl}/hooks/secret-path-9xyz`);
    await form.getByLabel('Headers').fill('authorization: Bearer hook-token');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    const row = page.locator('tr[data-webhook="ops"]');
    await row.getByText('authorization').waitFor();
    // The URL as the API gives it: masked.
    expect(await row.locator('code').textContent()).toBe(`${receiverUrl}/…9xyz`);

    // A test message reaches the receiver, with its header, and shows on the page.
    await row.getByRole('button', { name: 'Send a test' }).click();
    await page.getByTestId('alert-test-result').getByText('delivered (status 200, 1 try)').waitFor();
    expect(received).toEqual([expect.objectContaining({ path: '/hooks/secret-path-9xyz', authorization: 'Bearer hook-token', body: expect.objectContaining({ event: 'test' }) })]);
    await page.getByTestId('alert-delivery').filter({ hasText: 'test' }).getByText('delivered').waitFor();

    // A rule: its 400 (an error rate above 1) in the form, then saved.
    await page.getByRole('button', { name: 'Add rule' }).click();
    const ruleForm = page.getByRole('dialog', { name: 'New rule' });
    await ruleForm.getByLabel('Id').fill('errors');
    await ruleForm.getByLabel('Threshold').fill('5');
    await ruleForm.getByRole('button', { name: 'Save' }).click();
    await ruleForm.getByRole('alert').getByText('share from 0 to 1').waitFor();
    await ruleForm.getByLabel('Threshold').fill('0.5');
    await ruleForm.getByLabel('Least requests').fill('1');
    await ruleForm.getByRole('button', { name: 'Save' }).click();
    await ruleForm.waitFor({ state: 'detached' });
    const ruleRow = page.locator('tr[data-rule="errors"]');
    await ruleRow.getByText('ok', { exact: true }).waitFor();
    expect((await adminApi(gw.url, 'GET', '/alerts')).body.rules).toEqual([expect.objectContaining({ id: 'errors', kind: 'error-rate', threshold: 0.5, minRequests: 1 })]);

    // Failing requests (a model nobody serves) make it fire: sent to the receiver, shown on the page.
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(404);
    await gw.ctx.recorder.flush();
    await expect.poll(() => received.filter((r) => r.body.event === 'firing').length, { timeout: 10_000 }).toBe(1);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await ruleRow.getByText('firing').waitFor();
    await ruleRow.getByText(/since/).waitFor();
    await page.getByTestId('alert-firings').getByText('open').waitFor();
    await page.getByTestId('alert-delivery').filter({ hasText: 'firing' }).getByText('delivered').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}alerts.png`, fullPage: true });

    // An edit that leaves the URL and headers blank keeps them: the next test goes to the same place, with the header.
    await row.getByRole('button', { name: 'Edit' }).click();
    const editForm = page.getByRole('dialog', { name: 'Webhook ops' });
    await editForm.getByLabel('Format').selectOption('slack');
    await editForm.getByRole('button', { name: 'Save' }).click();
    await editForm.waitFor({ state: 'detached' });
    await row.getByText('slack').waitFor();
    const sent = received.length;
    await row.getByRole('button', { name: 'Send a test' }).click();
    await expect.poll(() => received.length).toBe(sent + 1);
    expect(received.at(-1)).toEqual(expect.objectContaining({ path: '/hooks/secret-path-9xyz', authorization: 'Bearer hook-token' }));

    // Delete both (the page accepts the confirmations).
    await ruleRow.getByRole('button', { name: 'Delete' }).click();
    await ruleRow.waitFor({ state: 'detached' });
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    const after = (await adminApi(gw.url, 'GET', '/alerts')).body;
    expect(after.rules).toEqual([]);
    expect(after.webhooks).toEqual([]);
  }, 60_000);
});

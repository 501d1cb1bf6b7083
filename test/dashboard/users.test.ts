import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { adminApi, ARTIFACTS, canRun, DESKTOP, launchBrowser, openPage } from './browser.js';

/**
 * Users and members in a real browser against a real gateway: an admin user
 * signs in with a name and password and makes a member with caps; the member
 * signs in, sees only their own pages, makes a key inside the caps, asks for
 * one past them; the admin sees the pending request in the side bar and
 * approves it with a note; the member sees the outcome and fetches the new
 * key once, and it works. The sessions live in HttpOnly cookies and every
 * write of theirs carries the CSRF header.
 */

const ADMIN_PASSWORD = 'admin-user-password-0001';
const MEMBER_PASSWORD = 'member-user-password-0001';

let gw: NodeGateway;
let browser: Browser;
let admin: Page;
let member: Page;
/** Writes each page sent without the CSRF header. */
const unguardedWrites: string[] = [];

async function signInAs(name: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(6000);
  page.on('dialog', (dialog) => void dialog.accept());
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/admin/api/') && request.method() !== 'GET' && url.pathname !== '/admin/api/session' && !request.headers()['x-csrf-token'])
      unguardedWrites.push(`${request.method()} ${url.pathname}`);
  });
  await page.goto(gw.url);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  return page;
}

const menu = (page: Page) => page.getByRole('navigation', { name: 'Pages' }).getByRole('link').allTextContents();

describe.skipIf(!canRun)('dashboard users and key requests', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    gw = await startTestGateway({});
    browser = await launchBrowser();
    const made = await adminApi(gw.url, 'POST', '/users', { name: 'ada', password: ADMIN_PASSWORD, role: 'admin' });
    expect(made.status).toBe(201);
    admin = await signInAs('ada', ADMIN_PASSWORD);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('signs an admin in with a name and password, keeping nothing of the session where the page can read it', async () => {
    await admin.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await menu(admin)).toEqual(expect.arrayContaining(['Overview', 'Keys', 'Upstreams', 'Logs', 'Audit', 'Users', 'Requests']));
    expect(await admin.evaluate(() => document.cookie)).toBe('');
    expect(await admin.evaluate(() => JSON.stringify(sessionStorage))).toBe('{}');
    const cookies = await admin.context().cookies();
    expect(cookies.find((c) => c.name === 'sb_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin/api' });
  });

  it('lets the admin make a member with caps', async () => {
    await openPage(admin, 'Users');
    await admin.getByRole('button', { name: 'New user' }).click();
    const dialog = admin.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('User name').fill('mia');
    await dialog.getByLabel('Password').fill(MEMBER_PASSWORD);
    await dialog.getByLabel('Models cap').fill('mock-model');
    await dialog.getByLabel('Most keys').fill('1');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = admin.locator('tr[data-user="mia"]');
    await expect(row.textContent()).resolves.toContain('models mock-model · at most 1 key');
    await admin.screenshot({ path: `${ARTIFACTS}users.png` });

    const users = await adminApi(gw.url, 'GET', '/users');
    expect(users.body.data.find((u: { name: string }) => u.name === 'mia')).toMatchObject({ role: 'member', caps: { models: ['mock-model'], maxKeys: 1 } });
  });

  it("shows a member only their own pages, makes a key inside the caps, and asks for one past them", async () => {
    await adminApi(gw.url, 'POST', '/keys', { name: 'someone-elses', group: 'team-z' });
    member = await signInAs('mia', MEMBER_PASSWORD);
    await member.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
    expect(await menu(member)).toEqual(['Keys', 'Logs', 'Requests']);
    await member.getByTestId('my-caps').waitFor();
    await member.getByText('No keys yet').waitFor();

    await member.getByRole('button', { name: 'New key' }).click();
    const form = member.getByRole('dialog', { name: 'New key' });
    await form.getByLabel('Name').fill('mia-laptop');
    await form.getByLabel('Models').fill('mock-model');
    await form.getByRole('button', { name: 'Create key' }).click();
    const created = member.getByTestId('created-key');
    const key = (await created.locator('code').textContent()) ?? '';
    expect(key).toMatch(/^sk-sb-/);
    await member.getByRole('button', { name: 'Done' }).click();
    await member.locator('tr[data-key-name="mia-laptop"]').waitFor();
    await expect(member.locator('tr[data-key-name="someone-elses"]').count()).resolves.toBe(0);
    await member.screenshot({ path: `${ARTIFACTS}member-keys.png` });

    // A second key is past `most keys`: the page offers to ask an admin for it.
    await member.getByRole('button', { name: 'New key' }).click();
    await form.getByLabel('Name').fill('mia-ci');
    await form.getByLabel('Models').fill('mock-model');
    await form.getByRole('button', { name: 'Create key' }).click();
    const ask = member.getByRole('dialog', { name: 'Ask for a key' });
    await expect(ask.getByRole('alert').textContent()).resolves.toMatch(/past your caps/);
    await expect(ask.getByLabel('Key name').inputValue()).resolves.toBe('mia-ci');
    await ask.getByLabel('Models').fill('mock-model');
    await ask.getByLabel('Why you need it').fill('a second key for CI');
    await ask.getByRole('button', { name: 'Send request' }).click();
    await member.getByRole('heading', { level: 1, name: 'Requests' }).waitFor();
    await expect(member.locator('tr[data-request="mia-ci"]').textContent()).resolves.toContain('pending');
  });

  it('shows the admin the pending request in the side bar, to approve with a note', async () => {
    await openPage(admin, 'Keys');
    await expect(admin.getByTestId('pending-requests').textContent()).resolves.toBe('1');
    await openPage(admin, 'Requests');
    const row = admin.locator('tr[data-request="mia-ci"]');
    await expect(row.textContent()).resolves.toContain('a second key for CI');
    await admin.screenshot({ path: `${ARTIFACTS}key-requests.png` });
    await row.getByRole('button', { name: 'Approve' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Approve mia-ci' });
    await dialog.getByLabel('Note').fill('ok for CI, keep it in the vault');
    await dialog.getByRole('button', { name: 'Approve and make the key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => admin.getByTestId('pending-requests').count()).toBe(0);
    await expect.poll(() => admin.locator('tr[data-request="mia-ci"]').count()).toBe(0);
  });

  it('shows the member the outcome and the new key once, and the key works', async () => {
    await openPage(member, 'Keys');
    await openPage(member, 'Requests');
    const row = member.locator('tr[data-request="mia-ci"]');
    await expect(row.textContent()).resolves.toContain('ok for CI, keep it in the vault');
    await row.getByRole('button', { name: 'Show the key' }).click();
    const key = (await member.getByTestId('claimed-key').textContent()) ?? '';
    expect(key).toMatch(/^sk-sb-/);
    await member.getByRole('button', { name: 'Done' }).click();
    await expect(row.textContent()).resolves.toContain('key fetched');

    const answer = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(answer.status).toBe(200);
    expect(unguardedWrites).toEqual([]);
  });

  it('records both sign-ins in the audit log, and signs out on the server', async () => {
    const audit = await adminApi(gw.url, 'GET', '/audit?action=sign-in');
    const who = audit.body.data.filter((r: { action: string }) => r.action === 'sign-in').map((r: { actor: { name?: string } }) => r.actor.name);
    expect(who).toEqual(expect.arrayContaining(['ada', 'mia']));

    const cookie = (await member.context().cookies()).find((c) => c.name === 'sb_session');
    await member.getByRole('button', { name: 'Sign out' }).click();
    await member.getByLabel('Password', { exact: true }).waitFor();
    const after = await fetch(`${gw.url}/admin/api/session`, { headers: { cookie: `sb_session=${cookie?.value}` } });
    expect(after.status).toBe(401);
  });
});

import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_KEY } from '../helpers/gateway.js';

/** Debian's Chromium driven through playwright-core, as the dashboard's browser tests use it. */

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
// Without Chromium (a developer machine) the files are skipped; CI installs it (.ci/run), and there they must run.
export const canRun = existsSync(CHROMIUM) || Boolean(process.env.CI);

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page signed in to the gateway's dashboard; confirmations are accepted, as a person would. */
export async function signedInPage(browser: Browser, url: string, viewport = DESKTOP): Promise<Page> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  // Fail with the locator's own message well before the test's time is up.
  page.setDefaultTimeout(6000);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(url);
  await page.getByLabel('Admin key').fill(ADMIN_KEY);
  await page.getByRole('button', { name: 'Sign in with the key' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return page;
}

/** Follows the menu to a page and waits for its heading. */
export async function openPage(page: Page, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: title }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/** The admin API, as a test reads back what the page did. */
export async function adminApi<T = any>(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

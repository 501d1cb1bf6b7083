import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { target } from './client.js';

/**
 * The dashboard's sign-in in Debian's Chromium (playwright-core, as
 * test/dashboard does): its files come from the gateway (the Worker's static
 * assets), and the sign-in goes through the admin API behind them.
 */
const CHROMIUM = '/usr/bin/chromium';
// Without Chromium (a developer machine) the file is skipped; CI installs it (.ci/run), and there it must run.
const canRun = existsSync(CHROMIUM) || Boolean(process.env.CI);

let browser: Browser;
let page: Page;

describe.skipIf(!canRun)('the dashboard in a browser', () => {
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.setDefaultTimeout(10_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('refuses a wrong admin key in words, then signs in and lists the keys', async () => {
    const { url, adminKey } = target();
    await page.goto(url);
    await page.getByLabel('Admin key').fill('wrong-key-0000000000');
    await page.getByRole('button', { name: 'Sign in with the key' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('invalid admin key');

    await page.getByLabel('Admin key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in with the key' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(page.url()).not.toContain(adminKey);

    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
    // A key of the config file, as the admin API lists it.
    await page.locator('tr[data-key-name="shapes"]').waitFor();
  });
});

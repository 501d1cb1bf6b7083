import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { Browser, Page } from 'playwright-core';
import { startFakeOpenAI, type FakeUpstream } from '../fakes/index.js';
import { logRows, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import type { NodeGateway } from '../../src/platform/node/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { ARTIFACTS, canRun, DESKTOP, launchBrowser, openPage, PHONE, signedInPage } from './browser.js';

/**
 * The dashboard's layout at a phone's size (390 x 844) and a laptop's
 * (1280 x 800): a compact top bar, nothing wider than the screen, and chart
 * labels inside their drawing, also when a chart has a single bucket. Every
 * page is photographed at both sizes into test/artifacts/.
 */

const PAGES = ['Overview', 'Keys', 'Upstreams', 'Models', 'Limits', 'Logs', 'Settings'];
/** The phone's top bar is one row: its links, the theme button and Sign out. */
const PHONE_BAR_MAX_PX = 56;

let fake: FakeUpstream;
let gw: NodeGateway;
let browser: Browser;

/** How far each chart's time labels (the centred ones; the figures are right-aligned) reach past its drawing, left and right (0 when inside), and how many it has. */
function chartLabels(page: Page) {
  return page.$$eval('figure.chart svg', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      const labels = [...svg.querySelectorAll('text[text-anchor="middle"]')].map((t) => t.getBoundingClientRect());
      return {
        chart: svg.getAttribute('aria-label'),
        labels: labels.length,
        pastLeft: Math.max(0, ...labels.map((l) => box.left - l.left)),
        pastRight: Math.max(0, ...labels.map((l) => l.right - box.right)),
        bars: svg.querySelectorAll('rect:not([fill="transparent"])').length,
        markers: svg.querySelectorAll('circle').length,
      };
    }),
  );
}

describe.skipIf(!canRun)('dashboard layout on a phone and a laptop', () => {
  beforeAll(async () => {
    await ensureWebBuilt();
    fake = await startFakeOpenAI();
    gw = await startTestGateway({ openaiUrl: fake.url });
    const client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    for (let i = 0; i < 4; i++) await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: `layout ${i}` }] });
    await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await fake?.close();
  });

  it('on a phone: a one-row top bar on every page, nothing wider than the screen', async () => {
    const page = await signedInPage(browser, gw.url, PHONE);
    for (const title of PAGES) {
      await openPage(page, title);
      // Pages that load lists settle first, so a late table could not widen the page unseen.
      await page.waitForLoadState('networkidle');
      const bar = (await page.getByRole('navigation', { name: 'Pages' }).boundingBox())!;
      expect(bar.height, `${title}: top bar height`).toBeLessThanOrEqual(PHONE_BAR_MAX_PX);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${title}: page width`).toBeLessThanOrEqual(PHONE.width);
      // The current page's link is in sight in the sideways-scrolling menu.
      const link = (await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: title }).boundingBox())!;
      expect(link.x).toBeGreaterThanOrEqual(0);
      expect(link.x + link.width).toBeLessThanOrEqual(PHONE.width);
      await page.screenshot({ path: `${ARTIFACTS}phone-${title.toLowerCase()}.png`, fullPage: true });
    }
    await page.close();
  });

  for (const [size, viewport] of [
    ['phone', PHONE],
    ['laptop', DESKTOP],
  ] as const) {
    it(`on a ${size}: the last hour's charts keep every time label inside`, async () => {
      const page = await signedInPage(browser, gw.url, viewport);
      await page.getByRole('button', { name: 'Last hour' }).click();
      await page.getByTestId('stat-requests').getByText('5').waitFor();
      const charts = await chartLabels(page);
      expect(charts.map((c) => c.chart)).toEqual(['Requests', 'Tokens', 'Cost', 'Latency']);
      for (const c of charts) {
        expect(c.labels, `${c.chart}: labels`).toBeGreaterThanOrEqual(2);
        expect(c.pastLeft, `${c.chart}: past the left edge`).toBe(0);
        expect(c.pastRight, `${c.chart}: past the right edge`).toBe(0);
      }
      if (size === 'laptop') {
        for (const title of PAGES.slice(1)) {
          await openPage(page, title);
          await page.waitForLoadState('networkidle');
          expect(await page.evaluate(() => document.documentElement.scrollWidth), `${title}: page width`).toBeLessThanOrEqual(DESKTOP.width);
          await page.screenshot({ path: `${ARTIFACTS}laptop-${title.toLowerCase()}.png` });
        }
        await openPage(page, 'Overview');
        await page.getByRole('button', { name: 'Last hour' }).click();
        await page.getByTestId('stat-requests').getByText('5').waitFor();
      }
      await page.screenshot({ path: `${ARTIFACTS}${size}-overview-1h.png`, fullPage: size === 'phone' });
      await page.close();
    });
  }

  it('a range of one bucket draws bars with one label, not lone dots', async () => {
    const rows = await logRows(gw);
    // The minute of an answered request, so the bucket has tokens and latency to draw.
    const answered = rows.find((r) => r.outcome === 'ok')!;
    const minute = Math.floor(answered.ts / 60_000) * 60_000;
    // The range picker takes the browser's local time, as <input type="datetime-local"> writes it.
    const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    const page = await signedInPage(browser, gw.url, PHONE);
    await page.getByRole('button', { name: 'Custom' }).click();
    await page.getByLabel('From', { exact: true }).fill(local(minute));
    await page.getByLabel('To', { exact: true }).fill(local(minute + 60_000));
    await page.getByRole('button', { name: 'Apply' }).click();
    const inMinute = rows.filter((r) => r.ts >= minute && r.ts < minute + 60_000).length;
    await page.getByTestId('stat-requests').getByText(String(inMinute), { exact: true }).waitFor();
    const charts = await chartLabels(page);
    for (const c of charts) {
      expect(c.labels, `${c.chart}: labels`).toBe(1);
      expect(c.pastLeft + c.pastRight, `${c.chart}: label past an edge`).toBe(0);
      expect(c.markers, `${c.chart}: lone dots`).toBe(0);
    }
    const byChart = Object.fromEntries(charts.map((c) => [c.chart, c]));
    expect(byChart.Requests.bars).toBeGreaterThanOrEqual(1);
    expect(byChart.Tokens.bars).toBe(2);
    expect(byChart.Latency.bars).toBe(2);
    await page.screenshot({ path: `${ARTIFACTS}phone-overview-one-bucket.png`, fullPage: true });
    await page.close();
  });
});

/**
 * Takes docs/dashboard-overview.png: a real gateway with fake OpenAI and
 * Anthropic upstreams, a day of traffic sent through the official SDKs (the
 * gateway's clock is moved back hour by hour so the rows spread over 24 h),
 * then the Overview page photographed in Chromium.
 *
 *   npx tsx test/dashboard/docs-screenshot.ts
 */
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { chromium } from 'playwright-core';
import { startFakeAnthropic, startFakeOpenAI } from '../fakes/index.js';
import { ADMIN_KEY, startTestGateway, TEST_KEY } from '../helpers/gateway.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';

const OUT = fileURLToPath(new URL('../../docs/dashboard-overview.png', import.meta.url));
const HOUR_MS = 3_600_000;

await ensureWebBuilt((m) => console.error(m));
const openaiFake = await startFakeOpenAI({ chunkDelayMs: 8 });
const anthropicFake = await startFakeAnthropic();
let offset = 0;
const gw = await startTestGateway({ openaiUrl: openaiFake.url, anthropicUrl: anthropicFake.url, now: () => Date.now() + offset });

const admin = async (path: string, method: string, body: unknown) => {
  const res = await fetch(`${gw.url}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};

try {
  // Prices for the fake upstream models, so cost shows as money rather than "unknown".
  await admin('/prices/gpt-upstream', 'PUT', { input: 2.5, output: 10 });
  await admin('/prices/claude-upstream', 'PUT', { input: 3, output: 15 });
  const webApp = String((await admin('/keys', 'POST', { name: 'web-app', group: 'product' })).key);
  const batch = String((await admin('/keys', 'POST', { name: 'batch-jobs', group: 'data' })).key);

  const openai = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const anthropic = (key: string) => new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0 });
  const clients = [openai(webApp), openai(TEST_KEY), openai(batch)];
  const claude = [anthropic(webApp), anthropic(TEST_KEY)];

  let sent = 0;
  for (let hour = 23; hour >= 0; hour--) {
    // Busier in the working hours of the simulated day.
    const load = 2 + Math.round(6 * Math.max(0, Math.sin(((24 - hour) / 24) * Math.PI)));
    for (let i = 0; i < load; i++) {
      offset = -(hour * HOUR_MS) + Math.round((i / load) * HOUR_MS * 0.9) - HOUR_MS / 2;
      const prompt = `question ${hour}-${i} `.repeat(1 + ((hour + i) % 7));
      const pick = (hour * 7 + i) % 10;
      const call =
        pick < 5
          ? clients[pick % 3].chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: prompt }], stream: pick % 2 === 0 })
          : pick < 9
            ? claude[pick % 2].messages.create({ model: 'claude-test', max_tokens: 256, messages: [{ role: 'user', content: prompt }] })
            : clients[1].chat.completions.create({ model: 'gpt-5-unknown', messages: [{ role: 'user', content: prompt }] });
      const answer = await call.catch(() => undefined);
      if (answer && Symbol.asyncIterator in answer) for await (const _chunk of answer as AsyncIterable<unknown>) void _chunk;
      sent++;
    }
  }
  offset = 0;
  await gw.ctx.recorder.flush();
  console.error(`sent ${sent} requests`);

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  await page.goto(gw.url);
  await page.getByLabel('Admin key').fill(ADMIN_KEY);
  await page.getByRole('button', { name: 'Sign in with the key' }).click();
  await page.getByTestId('stat-requests').waitFor();
  // A viewport as tall as the page, so the sticky side bar reaches the bottom too.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height });
  await page.screenshot({ path: OUT });
  await browser.close();
  console.error(`wrote ${OUT}`);
} finally {
  await gw.close();
  await openaiFake.close();
  await anthropicFake.close();
}

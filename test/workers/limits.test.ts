import { expect, it } from 'vitest';
import { admin, chat, countStatuses, eventually, type Reply } from './client.js';
import { BUDGET, KEYS, RPM } from './suite.js';

// Limits exact under load: 200 requests at once, each limit counted in one place
// (a Durable Object per limit key on the Worker), so exactly as many pass as the limit allows.

const BURST = 200;

// It may wait up to 20 s for a fresh clock minute.
it(`rpm ${RPM}: of ${BURST} concurrent requests, exactly ${RPM} pass`, { timeout: 90_000 }, async () => {
  await awayFromMinuteEdge();
  const startedAt = Date.now();
  const answers = await burst(BURST, () => chat(KEYS.rpm));
  expect(Math.floor(Date.now() / 60_000), 'the requests stayed within one clock minute').toBe(Math.floor(startedAt / 60_000));
  expect(countStatuses(answers), unexpected(answers)).toEqual({ 200: RPM, 429: BURST - RPM });
  const refused = answers.find((a) => a.status === 429)!;
  expect(refused.body.error.code).toBe('rate_limit_exceeded'); // OpenAI's shape
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
});

it(`a budget of ${BUDGET.requests} requests: of ${BURST} concurrent requests, exactly ${BUDGET.requests} pass, and it is spent to the cent`, async () => {
  // Each request reserves exactly what it costs, so the reservations fill the budget and no more.
  const answers = await burst(BURST, () => chat(KEYS.budget, { maxTokens: BUDGET.maxTokens }));
  expect(countStatuses(answers), unexpected(answers)).toEqual({ 200: BUDGET.requests, 429: BURST - BUDGET.requests });
  expect(answers.find((a) => a.status === 429)!.body.error.code).toBe('budget_exceeded');

  const row = await eventually(async () => {
    const usage = await admin('GET', '/usage?by=key');
    const found = usage.body.rows.find((r: { name: string }) => r.name === 'budget');
    expect(found.requests - found.errors).toBe(BUDGET.requests);
    return found;
  });
  expect(row.costUsd).toBe(BUDGET.requests * BUDGET.perRequestUsd);
  // Spent: the next one is refused too.
  expect((await chat(KEYS.budget, { maxTokens: BUDGET.maxTokens })).status).toBe(429);
});

/**
 * wrangler dev's own proxy, in front of the Worker, sometimes answers part of
 * a burst of 200 with this 503 of its own when its fetch to the Worker fails
 * (its code takes that for a restart of the Worker; none happened). Such a
 * request is sent again, as the message says; the Worker's limits are judged
 * on the answers it gave.
 */
const DEV_PROXY_REFUSAL = /^Your worker restarted mid-request\./;

async function burst(n: number, send: () => Promise<Reply>): Promise<Reply[]> {
  const answers = await Promise.all(Array.from({ length: n }, send));
  for (let round = 0; round < 3; round++) {
    const refused = answers.flatMap((a, i) => (a.status === 503 && DEV_PROXY_REFUSAL.test(String(a.body)) ? [i] : []));
    if (refused.length === 0) break;
    const again = await Promise.all(refused.map(() => send()));
    refused.forEach((at, i) => (answers[at] = again[i]));
  }
  return answers;
}

/** The first answer neither served nor refused by a limit, to say what went wrong. */
function unexpected(answers: Reply[]): string {
  const odd = answers.find((a) => a.status !== 200 && a.status !== 429);
  return odd ? `one answer was ${odd.status}: ${JSON.stringify(odd.body)}` : 'statuses';
}

/**
 * An rpm window is a clock minute: a burst that straddles the turn of a
 * minute may rightly pass the limit in each. A burst takes a few seconds at
 * most, so when less than 20 s are left, wait for the next minute.
 */
async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 200));
}

import { expect, it } from 'vitest';
import { eventually } from '../helpers/gateway.js';
import { ADMIN_KEY, START_MS } from './cluster.js';
import type { Part, Rig } from './rig.js';
import { admin, chat } from './traffic.js';

/**
 * A replica killed with SIGKILL mid-load, then started again, while the other
 * serves on. What a kill can lose, and all it can lose: the usage rows the
 * killed process had queued but not yet written (its recorder writes every
 * RECORDER_INTERVAL_MS), which belong to requests it finished just before it
 * died (those clients did get their answer); and the requests it was
 * serving at that moment, whose clients saw the connection drop and got no
 * answer (nothing to record). Everything else is recorded exactly once, and
 * the usage totals are the sums of the recorded rows.
 */
const KEY = 'sk-sb-replicas-kill-0000000000000000000000';
const RECORDER_INTERVAL_MS = 1000;
// The rows a kill may lose finished within one write interval before it, plus the time a write takes on a busy machine.
const LOSS_WINDOW_MS = RECORDER_INTERVAL_MS + 1000;
const CLIENTS_PER_REPLICA = 3;

export const killPart: Part = { keys: [{ name: 'kill', key: KEY }] };

interface Sent {
  replica: number;
  startedAt: number;
  /** When the client had the whole answer, or gave up on it. */
  doneAt: number;
  outcome: Outcome;
}

/** 200 with its request id; a whole answer that is not one; the connection died mid-request; nobody listening. */
type Outcome = { kind: 'ok'; requestId: string } | { kind: 'failed'; status: number; body: unknown } | { kind: 'dropped'; error: string } | { kind: 'refused' };

export function killTests(rig: () => Rig): void {
  // Its time is mostly the restart's.
  it('loses only the rows the killed process had not written, and the totals are the rows', { timeout: START_MS + 20_000 }, async () => {
    const { cluster } = rig();
    const urls = cluster.replicas.map((r) => r.url);
    const sent: Sent[] = [];
    let stopAt = Infinity;
    // Each client sends one streamed request after another to its replica.
    const clients = Array.from({ length: CLIENTS_PER_REPLICA * 2 }, async (_, i) => {
      const replica = i % 2;
      while (Date.now() < stopAt) {
        const startedAt = Date.now();
        const outcome = await send(urls[replica]);
        sent.push({ replica, startedAt, doneAt: Date.now(), outcome });
        if (outcome.kind === 'refused') await new Promise((r) => setTimeout(r, 200));
      }
    });

    await new Promise((r) => setTimeout(r, 1500));
    const killStartedAt = Date.now();
    await cluster.kill(0);
    const killedAt = Date.now();
    await cluster.restart(0);
    const restartedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    stopAt = Date.now();
    await Promise.all(clients);

    // Every answer that arrived whole is a good one: the kill shows up as connections, not as errors.
    expect(sent.filter((s) => s.outcome.kind === 'failed')).toEqual([]);
    const answered = sent.filter((s) => s.outcome.kind === 'ok');
    const idOf = (s: Sent) => (s.outcome.kind === 'ok' ? s.outcome.requestId : '');
    // Load went through both replicas before the kill and after the restart.
    expect(answered.filter((s) => s.replica === 0 && s.doneAt < killedAt).length).toBeGreaterThan(0);
    expect(answered.filter((s) => s.replica === 0 && s.doneAt > restartedAt).length).toBeGreaterThan(0);
    expect(answered.filter((s) => s.replica === 1).length).toBeGreaterThan(0);

    // Everything answered by a process that lived on is written once the survivors flush.
    const survivors = answered.filter((s) => !(s.replica === 0 && s.doneAt <= killedAt));
    const rows = await eventually(async () => {
      const all = await logRows(urls[1]);
      const ids = new Set(all.map((r) => r.id));
      expect(survivors.filter((s) => !ids.has(idOf(s)))).toEqual([]);
      return all;
    }, 5000);
    const ids = new Set(rows.map((r) => r.id));

    // Never twice, and nothing the clients were not answered for.
    expect(ids.size).toBe(rows.length);
    const answeredIds = new Set(answered.map(idOf));
    expect(rows.filter((r) => !answeredIds.has(r.id))).toEqual([]);
    expect(rows.every((r) => r.outcome === 'ok')).toBe(true);

    // Lost: only rows of requests the killed replica finished in its last write interval.
    const lost = answered.filter((s) => !ids.has(idOf(s)));
    for (const s of lost) {
      expect(s.replica).toBe(0);
      expect(killedAt - s.doneAt).toBeLessThanOrEqual(LOSS_WINDOW_MS);
    }
    // The requests it was serving when killed got no answer: at most one per client of that replica, and no other.
    // (A client's next try, sent while the process is still dying, may be dropped too: only those in flight
    // before the kill began are counted.)
    const dropped = sent.filter((s) => s.outcome.kind === 'dropped');
    expect(dropped.filter((s) => s.replica !== 0 || s.startedAt > killedAt)).toEqual([]);
    expect(dropped.filter((s) => s.startedAt < killStartedAt).length).toBeLessThanOrEqual(CLIENTS_PER_REPLICA);

    // The totals are the rows' sums: no rollup counted twice or left out around the kill and the restart.
    const usage = await admin(urls[1], ADMIN_KEY, 'GET', '/usage?by=key');
    const total = usage.body.rows.find((r: { name: string }) => r.name === 'kill');
    const sum = (field: string) => rows.reduce((n, r) => n + (r[field] as number), 0);
    expect(total.requests).toBe(rows.length);
    for (const field of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'reasoningTokens']) expect(total[field]).toBe(sum(field));
    console.log(
      `kill mid-load: ${answered.length} answered, ${rows.length} recorded, ${lost.length} lost with the killed recorder, ` +
        `${dropped.length} dropped in flight, ${sent.filter((s) => s.outcome.kind === 'refused').length} refused while down`,
    );
  });
}

/** One streamed chat request, read to its end. */
async function send(url: string): Promise<Outcome> {
  try {
    const answer = await chat(url, KEY, { stream: true });
    const requestId = answer.headers.get('x-request-id');
    if (answer.status !== 200 || !requestId || !String(answer.body).trimEnd().endsWith('data: [DONE]'))
      return { kind: 'failed', status: answer.status, body: answer.body };
    return { kind: 'ok', requestId };
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    return code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'dropped', error: `${String(err)} (${code ?? String((err as { cause?: unknown }).cause)})` };
  }
}

type LogRow = { id: string; outcome: string } & Record<string, unknown>;

/** Every log row of the key, through the admin API, page by page. */
async function logRows(url: string): Promise<LogRow[]> {
  const rows: LogRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await admin(url, ADMIN_KEY, 'GET', `/logs?key=kill&limit=500&offset=${offset}`);
    rows.push(...page.body.data);
    if (!page.body.hasMore) return rows;
  }
}

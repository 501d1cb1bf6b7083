import type { measureBigRequest } from './big-request.js';
import type { ChildStats } from './child.js';
import type { ProbeResult } from './probe.js';
import type { runSlowStreams } from './slow-streams.js';
import type { runSoak } from './soak.js';
import type { Figures, Storage, StorageFigures } from './targets.js';
import type { WrkResult } from './wrk.js';

/** The scenarios' figures set against each other: ratios, added latency, and the figures the targets judge. Pure. */
export interface Priced {
  /** CPU time (user + system, all threads) each process spent per request: the target, the fake, wrk or the bench's probe. */
  cpuUsPerRequest: Record<string, number>;
  /** Event-loop delay of the process under test over the run. */
  serverLoopDelayMs: ChildStats['loopDelayMs'];
  /** Share of the machine's CPU that processes outside the bench used during the run, 0..1. */
  foreignCpu: number;
}

export interface ScenarioResult {
  label: string;
  /** The process under test: fake, bare, switchboard, shared or worker. */
  server: string;
  url: string;
  /** The paced run's rate, req/s. */
  ratePerSec: number;
  /** wrk at a fixed concurrency, as fast as it goes. */
  max: WrkResult & Priced;
  /** The evenly paced probe, with the target's peak RSS while it ran. */
  paced: ProbeResult & Priced & { rssMb: { peakMb: number; lastMb: number } };
  sequential: ProbeResult & Priced;
}

/** Runs of the workload modules, by storage; `recorded` is the request_log rows of the fresh gateway it ran on. */
export interface Workloads {
  bigRequest?: Partial<Record<Storage, Awaited<ReturnType<typeof measureBigRequest>>>>;
  slowStreams?: Partial<Record<Storage, Awaited<ReturnType<typeof runSlowStreams>> & { recorded?: number }>>;
  soak?: Partial<Record<Storage, Awaited<ReturnType<typeof runSoak>> & { recorded?: number }>>;
}

/** The scenario id of each gateway shape, by storage. */
export const GATEWAY: Record<Storage, { chat: string; stream: string; translated: string; anthropic: string }> = {
  sqlite: { chat: 'switchboard', stream: 'switchboard-stream', translated: 'switchboard-translated-stream', anthropic: 'switchboard-anthropic' },
  shared: { chat: 'shared', stream: 'shared-stream', translated: 'shared-translated-stream', anthropic: 'shared-anthropic' },
};

/** What each gateway scenario is measured against: the same request to the bare proxy and straight to the fake. */
export const BASELINE: Record<keyof (typeof GATEWAY)['sqlite'], { bare: string; direct: string }> = {
  chat: { bare: 'bare', direct: 'direct' },
  stream: { bare: 'bare-stream', direct: 'direct-stream' },
  // The translated stream goes to the OpenAI upstream: its floor is the OpenAI stream.
  translated: { bare: 'bare-stream', direct: 'direct-stream' },
  anthropic: { bare: 'bare-anthropic', direct: 'direct-anthropic' },
};

export interface Pairing {
  gateway: string;
  bare: string;
  direct: string;
  storage: Storage;
  shape: keyof (typeof GATEWAY)['sqlite'];
  /** Gateway max req/s over the bare proxy's. */
  throughputRatio?: number;
  /** Bare CPU per request over the gateway's: the throughput ratio if each had a core of its own. */
  cpuRatio?: number;
  /** Paced p50 / p99 / time to first byte over direct, and over the bare proxy, ms. */
  addedVsDirect?: { p50: number; p99: number; ttfb: number };
  addedVsBare?: { p50: number; p99: number; ttfb: number };
  addedSequentialVsDirect?: { p50: number; p99: number };
}

export function compare(results: Record<string, ScenarioResult>, workloads: Workloads = {}): { pairings: Pairing[]; figures: Figures } {
  const pairings: Pairing[] = [];
  for (const storage of ['sqlite', 'shared'] as const)
    for (const shape of ['chat', 'stream', 'translated', 'anthropic'] as const) {
      const gateway = GATEWAY[storage][shape];
      const g = results[gateway];
      if (!g) continue;
      const { bare, direct } = BASELINE[shape];
      const b = results[bare];
      const d = results[direct];
      const added = (x: ScenarioResult | undefined) => x && { p50: g.paced.p50 - x.paced.p50, p99: g.paced.p99 - x.paced.p99, ttfb: g.paced.ttfb.p50 - x.paced.ttfb.p50 };
      pairings.push({
        gateway,
        bare,
        direct,
        storage,
        shape,
        throughputRatio: b ? g.max.reqPerSec / b.max.reqPerSec : undefined,
        cpuRatio: b ? b.max.cpuUsPerRequest[b.server] / g.max.cpuUsPerRequest[g.server] : undefined,
        addedVsDirect: added(d),
        addedVsBare: added(b),
        addedSequentialVsDirect: d && { p50: g.sequential.p50 - d.sequential.p50, p99: g.sequential.p99 - d.sequential.p99 },
      });
    }

  const pair = (storage: Storage, shape: Pairing['shape']) => pairings.find((p) => p.storage === storage && p.shape === shape);
  const figures: Figures = {};
  for (const storage of ['sqlite', 'shared'] as const) {
    const chat = pair(storage, 'chat');
    const f: StorageFigures = {
      throughputRatio: chat?.throughputRatio,
      streamThroughputRatio: pair(storage, 'stream')?.throughputRatio,
      addedP50Ms: chat?.addedVsDirect?.p50,
      addedP99Ms: chat?.addedVsDirect?.p99,
      addedTtfbMs: pair(storage, 'stream')?.addedVsDirect?.ttfb,
      addedTtfbTranslatedMs: pair(storage, 'translated')?.addedVsDirect?.ttfb,
      pacedRssMb: results[GATEWAY[storage].chat]?.paced.rssMb.peakMb,
      bigRequestAddedMs: workloads.bigRequest?.[storage]?.addedP50Ms,
      slowStreams: workloads.slowStreams?.[storage],
      soak: workloads.soak?.[storage],
    };
    if (storage === 'shared') {
      const [shared, sqlite] = [results[GATEWAY.shared.chat], results[GATEWAY.sqlite.chat]];
      f.addedP50OverSqliteMs = shared && sqlite ? shared.paced.p50 - sqlite.paced.p50 : undefined;
    }
    figures[storage] = f;
  }
  return { pairings, figures };
}

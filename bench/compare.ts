import type { ChildStats } from './child.js';
import type { LoadResult } from './load.js';
import type { ProbeResult } from './probe.js';

/** Switchboard against the baselines, and the verdicts on the targets. Pure: figures in, figures out. */
export const TARGETS = { addedP50Ms: 1, throughputRatio: 0.6, translatedFactor: 2 };
/** Below this, added latency is within the machine's noise; the 2x comparison uses it as the floor. */
const NOISE_FLOOR_MS = 0.25;

export interface Priced {
  /** CPU time (user + system, all threads) each process spent per request. */
  cpuUsPerRequest: Record<string, number>;
  /** Event-loop delay of the process under test over the run. */
  serverLoopDelayMs: ChildStats['loopDelayMs'];
  /** Share of the machine's CPU that processes outside the bench used during the run, 0..1. */
  foreignCpu: number;
}

export interface ScenarioResult {
  label: string;
  /** The process under test: fake, bare or switchboard. */
  server: string;
  url: string;
  /** The fixed rate of the autocannon and paced runs, req/s. */
  ratePerSec: number;
  max: LoadResult & Priced;
  rate: LoadResult & Priced;
  paced: ProbeResult & Priced;
  sequential: ProbeResult & Priced;
}

type LatencyRun = 'rate' | 'paced' | 'sequential';
export interface Delta {
  p50: number;
  p99: number;
}

export function compare(results: Record<string, ScenarioResult>) {
  const added = (a: string, b: string, run: LatencyRun): Delta | undefined => {
    const x = results[a]?.[run];
    const y = results[b]?.[run];
    return x && y ? { p50: x.p50 - y.p50, p99: x.p99 - y.p99 } : undefined;
  };
  const addedAll = (a: string, b: string) => ({ rate: added(a, b, 'rate'), paced: added(a, b, 'paced'), sequential: added(a, b, 'sequential') });
  const ratio = (a: string, b: string) => {
    const x = results[a]?.max.reqPerSec;
    const y = results[b]?.max.reqPerSec;
    return x !== undefined && y !== undefined ? x / y : undefined;
  };
  // bare's CPU per request over Switchboard's: the throughput ratio if each proxy had a core to itself.
  const cpuRatio = (a: string, b: string) => {
    const x = results[a]?.max.cpuUsPerRequest.switchboard;
    const y = results[b]?.max.cpuUsPerRequest.bare;
    return x !== undefined && y !== undefined ? y / x : undefined;
  };

  const workerCpu = (worker: string, node: string) => {
    const w = results[worker]?.max.cpuUsPerRequest;
    return w ? { workerd: w.worker, wrangler: w.wrangler, node: results[node]?.max.cpuUsPerRequest.switchboard } : undefined;
  };

  const comparison = {
    added: {
      vsDirect: addedAll('switchboard', 'direct'),
      vsBare: addedAll('switchboard', 'bare'),
      streamVsBare: addedAll('switchboard-stream', 'bare-stream'),
      translatedStreamVsBare: addedAll('switchboard-translated-stream', 'bare-stream'),
      /** The replica on PostgreSQL + Redis over the one on SQLite with in-memory counters. */
      sharedVsSqlite: addedAll('shared', 'switchboard'),
      sharedStreamVsSqlite: addedAll('shared-stream', 'switchboard-stream'),
      /**
       * The Worker under wrangler dev (D1, Durable Objects) over the Node process on SQLite: sequential
       * requests only, as the Worker's fixed-rate runs go at a rate of their own (BENCH_WORKER_RATE).
       */
      workerVsNode: { rate: undefined, paced: undefined, sequential: added('worker', 'switchboard', 'sequential') },
      workerStreamVsNode: { rate: undefined, paced: undefined, sequential: added('worker-stream', 'switchboard-stream', 'sequential') },
    },
    throughputRatio: {
      vsBare: ratio('switchboard', 'bare'),
      streamVsBare: ratio('switchboard-stream', 'bare-stream'),
      sharedVsSqlite: ratio('shared', 'switchboard'),
      sharedStreamVsSqlite: ratio('shared-stream', 'switchboard-stream'),
      workerVsNode: ratio('worker', 'switchboard'),
      workerStreamVsNode: ratio('worker-stream', 'switchboard-stream'),
    },
    cpuRatio: { vsBare: cpuRatio('switchboard', 'bare'), streamVsBare: cpuRatio('switchboard-stream', 'bare-stream') },
    /** CPU time per request at max load: the Worker's workerd (what Workers bill) and wrangler's Node host, beside the Node process. */
    workerCpuUsPerRequest: {
      plain: workerCpu('worker', 'switchboard'),
      stream: workerCpu('worker-stream', 'switchboard-stream'),
    },
  };

  const vsDirect = comparison.added.vsDirect;
  const throughput = comparison.throughputRatio.vsBare;
  const targets = {
    /** Judged on autocannon's overallRate run; the paced and sequential figures are there to read it by. */
    addedP50VsDirect: vsDirect.rate && {
      limitMs: TARGETS.addedP50Ms,
      ms: vsDirect.rate.p50,
      pass: vsDirect.rate.p50 <= TARGETS.addedP50Ms,
      pacedMs: vsDirect.paced?.p50,
      pacedPass: vsDirect.paced ? vsDirect.paced.p50 <= TARGETS.addedP50Ms : undefined,
      sequentialMs: vsDirect.sequential?.p50,
      sequentialPass: vsDirect.sequential ? vsDirect.sequential.p50 <= TARGETS.addedP50Ms : undefined,
    },
    throughputVsBare: throughput !== undefined ? { min: TARGETS.throughputRatio, ratio: throughput, pass: throughput >= TARGETS.throughputRatio } : undefined,
    /** Translated streaming's added p50 against pass-through streaming's, both over the bare proxy, evenly paced. */
    translatedStream: translatedVerdict(comparison.added.streamVsBare, comparison.added.translatedStreamVsBare),
  };
  return { comparison, targets };
}

function translatedVerdict(
  passThrough: Record<LatencyRun, Delta | undefined>,
  translated: Record<LatencyRun, Delta | undefined>,
) {
  if (!passThrough.paced || !translated.paced) return undefined;
  const allowed = TARGETS.translatedFactor * Math.max(passThrough.paced.p50, NOISE_FLOOR_MS);
  return {
    passThroughMs: passThrough.paced.p50,
    translatedMs: translated.paced.p50,
    allowedMs: allowed,
    pass: translated.paced.p50 <= allowed,
    sequentialPassThroughMs: passThrough.sequential?.p50,
    sequentialTranslatedMs: translated.sequential?.p50,
  };
}

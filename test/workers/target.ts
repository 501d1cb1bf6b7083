/**
 * A running gateway the Workers suite talks to over HTTP only: the Worker
 * under `wrangler dev` (worker-target.ts) or, to check the suite itself, the
 * Node gateway on SQLite (node-target.ts). Both are started from one config
 * object, the same YAML file an operator would write, with `adminKey:` in it
 * (a Worker has no data folder to keep a generated one in).
 */
export interface Target {
  kind: TargetKind;
  url: string;
  adminKey: string;
  stop(): Promise<void>;
}

export type TargetKind = 'worker' | 'node';

/** Which target the suite runs on: SWITCHBOARD_WORKERS_TARGET=node checks the tests on Node; the default is the Worker. */
export function targetKind(): TargetKind {
  const kind = process.env.SWITCHBOARD_WORKERS_TARGET ?? 'worker';
  if (kind !== 'worker' && kind !== 'node') throw new Error(`SWITCHBOARD_WORKERS_TARGET must be worker or node, not ${kind}`);
  return kind;
}

export async function startTarget(kind: TargetKind, config: Record<string, unknown> & { adminKey: string }): Promise<Target> {
  if (kind === 'node') return (await import('./node-target.js')).startNodeTarget(config);
  return (await import('./worker-target.js')).startWorkerTarget(config);
}

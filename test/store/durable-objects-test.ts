import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import type { DurableObjectNamespace, DurableObjectStub } from '../../src/platform/workers/bindings.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The module the tests run in workerd: the counters' object as the Worker
 * exports it, plus two test-only classes: one that also answers
 * `GET /stored` with its storage's keys (to see what an object leaves
 * behind), and one that throws on every call (an object that cannot serve).
 * Its fetch is a request as the gateway makes it: one take, the answer, and
 * a settle after it that nothing awaits, kept alive by the request's
 * waitUntil, with one client for the isolate as the Worker has.
 */
const ENTRY = `
import { AsyncLocalStorage } from 'node:async_hooks';
import { CounterBucket } from './src/platform/workers/counters-object.ts';
import { createDurableCounters } from './src/platform/workers/durable-counters.ts';
export { CounterBucket };
const scope = new AsyncLocalStorage();
let counters;
export default {
  fetch(request, env, ctx) {
    counters ??= createDurableCounters(env.COUNTERS, { defer: (work) => scope.getStore().waitUntil(work) });
    return scope.run(ctx, async () => {
      const url = new URL(request.url);
      const bucket = url.searchParams.get('bucket');
      const amount = Number(url.searchParams.get('amount'));
      const [taken] = await counters.take([{ bucket, amount, limit: Number(url.searchParams.get('limit')), lasts: { kind: 'until', resetAt: Infinity } }]);
      if (taken.allowed) void counters.settle(taken, amount, Number(url.searchParams.get('actual'))).catch(() => {});
      return Response.json(taken);
    });
  },
};
export class InspectedBucket extends CounterBucket {
  constructor(state, env) { super(state, env); this.state = state; }
  async fetch(request) {
    if (new URL(request.url).pathname !== '/stored') return super.fetch(request);
    return Response.json([...(await this.state.storage.list()).keys()]);
  }
}
export class BrokenBucket {
  async fetch() { throw new Error('this object is broken'); }
}
`;

let bundled: Promise<string> | undefined;

/** The entry bundled once per file (esbuild, as wrangler bundles a Worker). */
function script(): Promise<string> {
  bundled ??= build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'js', sourcefile: 'counters-entry.js' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    external: ['node:async_hooks'],
    write: false,
  }).then((out) => out.outputFiles[0]!.text);
  return bundled;
}

export interface CounterObjects {
  mf: Miniflare;
  /** CounterBucket, as the Worker binds it. */
  counters: DurableObjectNamespace;
  /** CounterBucket that also tells its storage's keys. */
  inspected: DurableObjectNamespace;
  /** Objects that throw on every call. */
  broken: DurableObjectNamespace;
}

/** Real Durable Objects in workerd, reached from Node through Miniflare; `persist` keeps their storage in a directory. */
export async function startCounterObjects(persist?: string): Promise<CounterObjects> {
  const mf = new Miniflare({
    modules: true,
    script: await script(),
    // As wrangler.jsonc.
    compatibilityDate: '2026-04-01',
    compatibilityFlags: ['nodejs_als'],
    durableObjects: {
      COUNTERS: { className: 'CounterBucket', useSQLite: true },
      INSPECTED: { className: 'InspectedBucket', useSQLite: true },
      BROKEN: 'BrokenBucket',
    },
    ...(persist ? { durableObjectsPersist: persist } : {}),
  });
  // Miniflare's proxies stand for the runtime's objects; the members the counters call are the same.
  const ns = async (name: string) => keepingStubs((await mf.getDurableObjectNamespace(name)) as unknown as DurableObjectNamespace);
  return { mf, counters: await ns('COUNTERS'), inspected: await ns('INSPECTED'), broken: await ns('BROKEN') };
}

/**
 * The namespace with one id and one stub kept per name. Through Miniflare's
 * proxy, idFromName and get are each a blocking round trip from Node to
 * workerd (in the runtime both are local), so making them per call, as the
 * counters do, would make every test many times slower and, on a loaded
 * machine, have the proxy fail calls; a stub there is a plain handle, safe
 * to reuse.
 */
function keepingStubs(ns: DurableObjectNamespace): DurableObjectNamespace {
  const stubs = new Map<string, DurableObjectStub>();
  return {
    idFromName: (name) => ({ toString: () => name }),
    get(id) {
      const name = id.toString();
      let stub = stubs.get(name);
      if (!stub) {
        stub = ns.get(ns.idFromName(name));
        stubs.set(name, stub);
      }
      return stub;
    },
  };
}

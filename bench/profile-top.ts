import { readFileSync } from 'node:fs';

/**
 * Summarises a `.cpuprofile` (from `node --cpu-prof`, e.g. BENCH_PROFILE=switchboard
 * npm run bench): self time by function and by file or package, heaviest first.
 * Also inclusive ("total") time of src/ functions, counted once per stack.
 * Usage: npx tsx bench/profile-top.ts <file.cpuprofile> [rows] [skip seconds]
 * (skip leaves out start-up, e.g. module loading through tsx).
 */
interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg, skipArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [rows] [skip seconds]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const rows = Number(rowsArg ?? 25);
const skipUs = Number(skipArg ?? 0) * 1e6;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
let clock = 0;
profile.samples.forEach((id, i) => {
  clock += profile.timeDeltas[i] ?? 0;
  if (clock >= skipUs) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

/** Where a frame lives: a src/ or bench/ file, an npm package, node internals, or the VM. */
function place(url: string): string {
  if (!url) return '(native/VM)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/((?:src|dist|bench)\/.+)$/.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return url;
  return url;
}

const fn = new Map<string, number>();
const where = new Map<string, number>();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const p = place(url);
  const key = `${functionName || '(anonymous)'}  ${p}${url ? `:${lineNumber + 1}` : ''}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  where.set(p, (where.get(p) ?? 0) + us);
}
// Inclusive time of our own functions: walk each sampled node's stack once.
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
    if (!/\/(src|dist|bench)\//.test(url)) continue;
    const key = `${functionName || '(anonymous)'}  ${place(url)}:${lineNumber + 1}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
const top = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
    .join('\n');
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms\n\nself time by file or package:\n${top(where)}\n\nself time by function:\n${top(fn)}\n\ntotal time of src/ functions:\n${top(inclusive)}`);

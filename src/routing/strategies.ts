import type { Strategy } from '../config/schema.js';
import type { LiveCredential, LiveUpstream } from './catalog.js';
import type { PoolHealth } from './credential-health.js';

/**
 * The order in which one request tries an upstream's usable credentials:
 * the first is the strategy's pick, the rest follow in pool order after it,
 * so a retry moves to a different credential. Cooling and disabled ones are
 * left out (a cooling one whose cooldown is over is back in).
 */
export function orderCredentials(upstream: LiveUpstream, health: PoolHealth, now: number): LiveCredential[] {
  const usable = upstream.credentials.filter((c) => health.usable(c.id, now));
  if (usable.length <= 1) return usable;
  const first = pick(upstream.record.strategy, upstream, usable, health);
  const at = usable.indexOf(first);
  return [...usable.slice(at), ...usable.slice(0, at)];
}

function pick(strategy: Strategy, upstream: LiveUpstream, usable: LiveCredential[], health: PoolHealth): LiveCredential {
  switch (strategy) {
    case 'round-robin':
      return usable[upstream.cursor++ % usable.length];
    case 'weighted':
      return smoothWeighted(usable);
    case 'least-busy':
      return fewest(upstream, usable, (c) => health.stats(c.id).inFlight);
    case 'latency':
      // Unmeasured credentials count as fastest, so each gets measured.
      return fewest(upstream, usable, (c) => health.stats(c.id).ttfbEwmaMs ?? 0);
    default:
      return strategy satisfies never;
  }
}

/**
 * Smooth weighted round-robin: every pick raises each credential by its
 * weight and lowers the chosen one by the total, which spreads a 2:1 pool
 * as a, b, a, a, b, a … rather than in bursts.
 */
function smoothWeighted(usable: LiveCredential[]): LiveCredential {
  let total = 0;
  let best = usable[0];
  for (const c of usable) {
    c.currentWeight += c.weight;
    total += c.weight;
    if (c.currentWeight > best.currentWeight) best = c;
  }
  best.currentWeight -= total;
  return best;
}

/** The credential with the lowest score; ties go round-robin so equal ones share the load. */
function fewest(upstream: LiveUpstream, usable: LiveCredential[], score: (c: LiveCredential) => number): LiveCredential {
  const start = upstream.cursor++ % usable.length;
  let best = usable[start];
  let bestScore = score(best);
  for (let i = 1; i < usable.length; i++) {
    const c = usable[(start + i) % usable.length];
    const s = score(c);
    if (s < bestScore) {
      best = c;
      bestScore = s;
    }
  }
  return best;
}

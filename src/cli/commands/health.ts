import type { Store } from '../../store/store.js';
import { table } from '../table.js';

export const HEALTH_HELP = `switchboard health [--upstream ID] [--config PATH]

Lists every upstream's credentials with their state as the gateway last
recorded it: healthy, cooling (until when) or disabled, with the reason,
since when, and who set it (the gateway from traffic and probes, or an admin).
Counters of the running process, and the usage limits a subscription
(claude-code) last reported, are in the admin API (GET /admin/api/health).`;

export async function healthCommand(store: Store, options: { upstream?: string }): Promise<void> {
  const [upstreams, health] = await Promise.all([store.upstreams.list(), store.health.list()]);
  const byId = new Map(health.map((h) => [h.credentialId, h]));
  const rows = upstreams
    .filter((u) => !options.upstream || u.id === options.upstream)
    .flatMap((u) =>
      u.credentials.map((c) => {
        const h = byId.get(c.id);
        const state = !c.enabled ? 'off (config)' : (h?.state ?? 'healthy');
        return [
          u.id,
          u.strategy,
          c.id,
          c.hint,
          c.weight,
          state,
          h?.until && h.state === 'cooling' ? when(h.until) : '',
          h?.reason ?? '',
          h ? `${when(h.since)} (${h.setBy})` : '',
        ];
      }),
    );
  if (options.upstream && rows.length === 0 && !upstreams.some((u) => u.id === options.upstream))
    throw new Error(`--upstream: no upstream with id "${options.upstream}"`);
  if (rows.length === 0) {
    console.log('(no credentials)');
    return;
  }
  console.log(table(['upstream', 'strategy', 'credential', 'hint', 'weight', 'state', 'until', 'reason', 'since'], rows));
}

function when(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

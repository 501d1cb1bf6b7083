// Writing Server-Sent Events frames for the fake upstreams, with the
// cut-mid-stream / stall-mid-stream faults and the per-event delay applied here.
import type { RequestContext } from './server.js';
import { formatJson, writeAsync } from './server.js';

export interface SseWriter {
  /** Write one event. Resolves false once the connection is gone (cut, client abort, close). */
  send(data: string, event?: string): Promise<boolean>;
  end(): void;
}

function frame(data: string, event: string | undefined): string {
  const head = event === undefined ? '' : `event: ${event}\n`;
  const lines = data.split('\n').map((l) => `data: ${l}\n`).join('');
  return `${head}${lines}\n`;
}

/**
 * Send 200 + event-stream headers and return a writer. `delayMs` is slept
 * before every event except the first. Every frame (including OpenAI's
 * `[DONE]` and Anthropic's `ping`) counts towards a fault's `afterEvents`.
 */
export async function openSse(ctx: RequestContext, delayMs: number): Promise<SseWriter> {
  const { res, streamFault } = ctx;
  let sent = 0;

  const applyFault = async (): Promise<boolean> => {
    if (!streamFault || sent !== streamFault.afterEvents) return !res.destroyed;
    if (streamFault.kind === 'cut-mid-stream') {
      res.destroy();
      return false;
    }
    if (streamFault.kind === 'end-mid-stream') {
      res.end();
      return false;
    }
    await ctx.sleep(streamFault.ms);
    return !res.destroyed;
  };

  if (!res.destroyed) {
    res.writeHead(200, {
      ...ctx.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.flushHeaders();
  }
  if (streamFault && streamFault.afterEvents <= 0) {
    // Give the headers a moment to reach the client before cutting/stalling.
    await new Promise((r) => setTimeout(r, 10));
    await applyFault();
  }

  return {
    async send(data: string, event?: string): Promise<boolean> {
      if (sent > 0 && delayMs > 0) await ctx.sleep(delayMs);
      if (res.destroyed) return false;
      const styled = ctx.jsonStyle !== 'compact' && data.startsWith('{') ? formatJson(JSON.parse(data), ctx.jsonStyle) : data;
      await writeAsync(res, frame(styled, event));
      sent += 1;
      return applyFault();
    },
    end(): void {
      if (!res.destroyed && !res.writableEnded) res.end();
    },
  };
}

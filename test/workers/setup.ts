import type { TestProject } from 'vitest/node';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI } from '../fakes/index.js';
import { ensureWebBuilt } from '../../web/scripts/ensure-built.js';
import { suiteConfig } from './suite.js';
import { startTarget, targetKind, type TargetKind } from './target.js';

declare module 'vitest' {
  export interface ProvidedContext {
    target: { kind: TargetKind; url: string; adminKey: string };
  }
}

/**
 * Once per run: the fake upstreams (real HTTP servers on 127.0.0.1, which the
 * Worker under wrangler dev reaches as any host) and one gateway on the suite's
 * config. Starting the Worker is the slow part, so every file shares it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The dashboard's files: the Worker serves them as static assets, Node from web/dist.
  await ensureWebBuilt();
  // Slow streams (20 ms an event) so a client can leave in the middle of one.
  const [openai, anthropic, gemini] = await Promise.all([startFakeOpenAI({ chunkDelayMs: 20 }), startFakeAnthropic({ chunkDelayMs: 20 }), startFakeGemini()]);
  const closeFakes = () => Promise.all([openai.close(), anthropic.close(), gemini.close()]);
  const kind = targetKind();
  const target = await startTarget(kind, suiteConfig({ openai: openai.url, anthropic: anthropic.url, gemini: gemini.url })).catch(async (err: unknown) => {
    await closeFakes();
    throw err;
  });
  project.provide('target', { kind: target.kind, url: target.url, adminKey: target.adminKey });
  return async () => {
    await target.stop();
    await closeFakes();
  };
}

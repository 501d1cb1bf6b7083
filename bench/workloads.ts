import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Latency } from './stats.js';

/**
 * The workload modules the driver calls (the 280 KB request, slow streams,
 * the soak), by their agreed signatures, loaded only when their file is in
 * bench/: a checkout without one reports that target as not run rather than
 * failing to compile or start.
 */
export interface WorkloadModules {
  claudeCodeRequest?: (targetBytes?: number) => string;
  measureBigRequest?: (o: { passThroughUrl: string; translatedUrl: string; headers: Record<string, string>; count: number }) => Promise<{
    passThrough: Latency;
    translated: Latency;
    addedP50Ms: number;
    bodyBytes: number;
  }>;
  runSlowStreams?: (o: { url: string; body: string; headers: Record<string, string>; count: number; pid: number }) => Promise<{
    count: number;
    completed: number;
    failed: number;
    peakRssMb: number;
    seconds: number;
  }>;
  runSoak?: (o: { targets: { url: string; body: string; headers: Record<string, string> }[]; rate: number; durationS: number; pid: number }) => Promise<{
    minutes: { p50: number; p99: number; rssMb: number; errors: number; requests: number }[];
  }>;
}

async function load<T>(name: string, exportName: string): Promise<T | undefined> {
  if (!existsSync(fileURLToPath(new URL(`./${name}.ts`, import.meta.url)))) return undefined;
  const module = (await import(`./${name}.js`)) as Record<string, unknown>;
  return module[exportName] as T | undefined;
}

export async function loadWorkloads(): Promise<WorkloadModules> {
  return {
    claudeCodeRequest: await load('claude-code-request', 'claudeCodeRequest'),
    measureBigRequest: await load('big-request', 'measureBigRequest'),
    runSlowStreams: await load('slow-streams', 'runSlowStreams'),
    runSoak: await load('soak', 'runSoak'),
  };
}

// Shared by the setup-link tests: making a key with a link through the admin API,
// fetching a script with curl, and running it with sh in a private HOME.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CreatedWithLink {
  key: string;
  prefix: string;
  setup: { url: string; expiresAt: number; commands: Record<'claude' | 'codex' | 'gemini' | 'opencode', { sh: string; ps1: string }> };
}

/** POST /admin/api/keys with `setup`. */
export async function createKeyWithLink(gatewayUrl: string, adminKey: string, body: Record<string, unknown>): Promise<CreatedWithLink> {
  const res = await fetch(`${gatewayUrl}/admin/api/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ setup: true, ...body }),
  });
  if (res.status !== 201) throw new Error(`creating the key: ${res.status} ${await res.text()}`);
  return (await res.json()) as CreatedWithLink;
}

export interface ShellRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a one-liner as a user would (`curl -fsSL … | sh`) with HOME and the
 * given variables, and PATH (default: this machine's). Nothing else of the
 * test's environment reaches it. Asynchronous: the gateway it fetches from
 * runs in this process.
 */
export function runOneLiner(command: string, env: Record<string, string>, path = process.env.PATH ?? '/usr/bin:/bin'): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { env: { PATH: path, LANG: 'C.UTF-8', ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A fresh HOME. */
export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'switchboard-setup-'));
}

/**
 * A PATH of one folder holding only the tools the script needs, plus those
 * named in `extra` (e.g. node or python3): to run it where node, or both
 * node and python3, are missing. `awk` may be a chosen implementation.
 */
export function toolsPath(extra: Record<string, string>, awk = which('awk')): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-tools-'));
  const tools: Record<string, string> = { awk };
  for (const name of ['sh', 'curl', 'date', 'mkdir', 'cp', 'mv', 'grep', 'cat', 'rm']) tools[name] = which(name);
  for (const [name, target] of Object.entries({ ...tools, ...extra })) symlinkSync(target, join(dir, name));
  return dir;
}

export function which(name: string): string {
  const found = spawnSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is not installed`);
  return found;
}

/** The real python3 (a pyenv shim needs its own environment to find it). */
export function realPython(): string {
  const run = spawnSync(which('python3'), ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' });
  return run.stdout.trim() || dirname(which('python3'));
}

/** A TOML file read by Python's own parser (tomllib, Python 3.11+), as JSON. */
export function readToml(path: string): Record<string, any> {
  const run = spawnSync(realPython(), ['-c', 'import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], "rb"))))', path], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${path} is not valid TOML: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, any>;
}

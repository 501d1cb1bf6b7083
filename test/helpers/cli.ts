import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Absolute paths, so the CLI can run in any working folder (the config lookup depends on it).
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CLI = ['--import', TSX, fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))];
/** The CLI as installed: the compiled dist/ (`builtCli()` in helpers/build.ts makes it fresh). */
const BIN = [fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url))];

/** Runs the `switchboard` CLI to completion (in the repository's root unless `cwd` says) and returns its exit code and output. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  options: { cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts `switchboard start` (from the sources, or with `built` as installed: bin/switchboard.js on dist/) and resolves with its URL once it listens (failing after `readyMs`). */
export function startCli(
  args: string[],
  env: Record<string, string> = {},
  readyMs = 20_000,
  options: { cwd?: string; built?: boolean } = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.built ? BIN : CLI), 'start', ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...env } });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start within ${readyMs} ms:\n${out}`)), readyMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      // resolve once the whole banner (ending with the admin curl line) is out, or its one line in a JSON log
      if (match && (out.includes('/admin/api/usage') || out.includes('"level":'))) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${out}`));
    });
  });
}

/** Sends a signal and waits for the process to exit; returns its exit code. */
export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

/** What a command run with `--config PATH` says on stderr when all goes well: which file it read, and nothing else. */
export function onlyConfigLine(path: string): string {
  return `switchboard: config ${path} (--config)\n`;
}

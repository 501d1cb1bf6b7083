import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The bench's server processes (fake upstream, bare proxy, Switchboard) as
 * plain JavaScript, so they run under `node` alone: through tsx each carries
 * its loader thread and esbuild, some 50 MB of RSS and CPU that a deployed
 * gateway does not have, which would skew the memory targets and the ratios.
 * Each file is transpiled on its own (types dropped, nothing bundled) into
 * .bench-build/ at the repository's top, one level down like bench/, so the
 * relative imports (../dist for the compiled gateway) and node_modules
 * resolve as they do from bench/.
 */
const BENCH = fileURLToPath(new URL('.', import.meta.url));
export const BUILD_DIR = fileURLToPath(new URL('../.bench-build/', import.meta.url));

/** The files to compile: the entry points and the bench files they import, followed transitively. */
function closure(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const source = readFileSync(join(BENCH, name), 'utf8');
    // Value imports of sibling files; `import type` is dropped by the transpiler and needs nothing.
    for (const [, dep] of source.matchAll(/^import (?!type )[^'"]*from '\.\/([\w.-]+)\.js';$/gm)) visit(`${dep}.ts`);
  };
  entries.forEach(visit);
  return [...seen];
}

/** Transpiles the children's files into BUILD_DIR; returns it. Fast (no type check): tsc checks them with the rest. */
export function compileChildren(entries = ['fake-upstream.ts', 'bare-proxy.ts', 'switchboard.ts']): string {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  mkdirSync(BUILD_DIR, { recursive: true });
  for (const name of closure(entries)) {
    const { outputText } = ts.transpileModule(readFileSync(join(BENCH, name), 'utf8'), {
      fileName: name,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    writeFileSync(join(BUILD_DIR, name.replace(/\.ts$/, '.js')), outputText);
  }
  return BUILD_DIR;
}

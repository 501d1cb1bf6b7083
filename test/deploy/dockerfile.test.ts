import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';

// Images cannot be built or pulled on these machines: the Dockerfile is linted (the Dockerfile language
// server's validator) and read (its parser), and what it runs is held against CI's script and the package.
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const DOCKERFILE = read('Dockerfile');

interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

function stages(text: string): Stage[] {
  const found: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const [image, as, name] = instruction.getArguments().map((a) => a.getValue());
      expect(as?.toUpperCase(), `FROM ${image} names its stage`).toBe('AS');
      found.push({ name, image, instructions: [] });
    } else {
      found.at(-1)?.instructions.push(instruction);
    }
  }
  return found;
}

const args = (i: Instruction) => i.getArgumentsContent() ?? '';
const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.getKeyword() === keyword);
/** The build steps: installing with npm ci and running the build (npm ci's prepare script is the build). */
const buildSteps = (commands: string[]) => commands.filter((c) => /^npm (ci|run build)\b/.test(c));

describe('Dockerfile', () => {
  it('passes the linter with every check an error', () => {
    const all = {
      deprecatedMaintainer: ValidationSeverity.ERROR,
      directiveCasing: ValidationSeverity.ERROR,
      emptyContinuationLine: ValidationSeverity.ERROR,
      instructionCasing: ValidationSeverity.ERROR,
      instructionCmdMultiple: ValidationSeverity.ERROR,
      instructionEntrypointMultiple: ValidationSeverity.ERROR,
      instructionHealthcheckMultiple: ValidationSeverity.ERROR,
      instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
      instructionWorkdirRelative: ValidationSeverity.ERROR,
    };
    expect(validate(DOCKERFILE, all).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    // The linter does find problems: a misspelt flag and an instruction with no arguments.
    expect(validate('FROM node:20\nHEALTHCHECK --intervall=3s CMD true\nUSER\n', all)).toHaveLength(2);
  });

  it('builds with the same steps as CI', () => {
    const [build] = stages(DOCKERFILE);
    const dockerSteps = buildSteps(of(build, 'RUN').map(args));
    const ciSteps = buildSteps(read('.ci/run').split('\n').map((line) => line.trim()));
    expect(dockerSteps.length).toBeGreaterThan(0);
    expect(dockerSteps).toEqual(ciSteps);
    // npm ci builds through `prepare`; the build reads these, so the stage copies them in.
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toBe('npm run build');
    const copied = of(build, 'COPY').flatMap((c) => c.getArguments().slice(0, -1).map((a) => a.getValue()));
    for (const needed of ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json', 'tsconfig.build.json', 'src', 'web', 'scripts', 'bin'])
      expect(copied, needed).toContain(needed);
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const needed of copied) expect(ignored, `.dockerignore keeps ${needed} out of the build`).not.toContain(needed);
  });

  it('runs the compiled package in a slim stage without compilers, dev dependencies or root', () => {
    const all = stages(DOCKERFILE);
    expect(all.length).toBeGreaterThanOrEqual(2);
    const runtime = all.at(-1)!;
    expect(runtime.image).toMatch(/-slim$/);

    // Everything it runs comes from the build stage: the files the package ships, and production node_modules.
    const copies = of(runtime, 'COPY') as Copy[];
    for (const copy of copies) expect(copy.getFromFlag()?.getValue(), args(copy)).toBe(all[0].name);
    const sources = copies.map((c) => c.getArguments()[0].getValue().replace(/^\/app\//, '').replace(/\/$/, ''));
    const { files } = JSON.parse(read('package.json')) as { files: string[] };
    for (const shipped of files.filter((f) => !f.startsWith('!'))) expect(sources).toContain(shipped.replace(/\/$/, ''));
    expect(sources).toContain('node_modules');
    expect(sources).not.toContain('src');
    expect(of(all[0], 'RUN').map(args)).toContain('npm prune --omit=dev --no-audit --no-fund');

    const user = of(runtime, 'USER').map(args);
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^(root|0)(:|$)/);
    // USER comes before what the container runs, and after the last RUN that needs root (chown).
    const order = runtime.instructions.map((i) => i.getKeyword());
    expect(order.lastIndexOf('RUN')).toBeLessThan(order.indexOf('USER'));

    expect(of(runtime, 'ENTRYPOINT').map(args)).toEqual(['["node", "bin/switchboard.js"]']);
    expect(DOCKERFILE).not.toMatch(/\btsx\b/);
  });

  it('has a health check on /healthz at the port it exposes', () => {
    const runtime = stages(DOCKERFILE).at(-1)!;
    const [port] = of(runtime, 'EXPOSE').map(args);
    const checks = of(runtime, 'HEALTHCHECK').map((i) => i.getTextContent());
    expect(checks).toHaveLength(1);
    expect(checks[0]).toContain(`http://127.0.0.1:${port}/healthz`);
    expect(checks[0]).toMatch(/--interval=\d+s/);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rotatingFile } from '../../src/platform/node/rotating-file.js';
import { tempDir } from '../helpers/gateway.js';

const line = (n: number) => `${JSON.stringify({ n, pad: 'x'.repeat(40) })}\n`;

describe('rotating log export file', () => {
  it('rotates past maxBytes and keeps the newest N rotated files', async () => {
    const dir = tempDir();
    const path = join(dir, 'requests.jsonl');
    let clock = Date.parse('2026-12-07T10:00:00Z');
    const sink = rotatingFile({ path, maxBytes: 200, daily: false, keep: 2 }, () => clock++);
    for (let n = 0; n < 12; n++) await sink.write(line(n));
    await sink.close();
    const files = readdirSync(dir).sort();
    // The live file and two rotated ones; older rotated files were deleted.
    expect(files).toHaveLength(3);
    expect(files).toContain('requests.jsonl');
    const rotated = files.filter((f) => f !== 'requests.jsonl');
    for (const f of [...rotated, 'requests.jsonl']) expect(readFileSync(join(dir, f), 'utf8').length).toBeLessThanOrEqual(200);
    // Nothing lost within what is kept: the newest lines, in order, across the files oldest first.
    const lines = [...rotated, 'requests.jsonl'].flatMap((f) => readFileSync(join(dir, f), 'utf8').trimEnd().split('\n')).map((l) => (JSON.parse(l) as { n: number }).n);
    expect(lines.at(-1)).toBe(11);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('rotates at the first write of a new UTC day', async () => {
    const dir = tempDir();
    const path = join(dir, 'day.jsonl');
    let clock = Date.parse('2026-12-07T23:59:00Z');
    const sink = rotatingFile({ path, maxBytes: 1_000_000, daily: true, keep: 5 }, () => clock);
    await sink.write(line(1));
    await sink.write(line(2));
    clock = Date.parse('2026-12-08T00:00:01Z');
    await sink.write(line(3));
    await sink.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['day.jsonl', expect.stringMatching(/^day\.jsonl\.20261208T000001/)]);
    expect(readFileSync(join(dir, files[1]!), 'utf8')).toBe(line(1) + line(2));
    expect(readFileSync(path, 'utf8')).toBe(line(3));
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_SSE_EVENT_CHARS, SseEventTooLarge, SseScanner, type SseEvent } from '../../src/translate/sse.js';

describe('SseScanner', () => {
  it('assembles events split across arbitrary chunk boundaries', () => {
    const wire = 'event: message_start\ndata: {"a":1}\n\n: a comment\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n';
    for (let cut = 1; cut < wire.length; cut++) {
      const scanner = new SseScanner();
      const events = [...scanner.push(wire.slice(0, cut)), ...scanner.push(wire.slice(cut)), ...scanner.flush()];
      expect(events.map((e) => [e.event, e.data])).toEqual([
        ['message_start', '{"a":1}'],
        [undefined, 'line one\nline two'],
        [undefined, '[DONE]'],
      ]);
    }
  });

  it('accepts CRLF and CR line ends and keeps the raw text', () => {
    const scanner = new SseScanner();
    const events = scanner.push('event: ping\r\ndata: {}\r\n\r\ndata: x\r\r');
    expect(events.map((e) => e.event ?? e.data)).toEqual(['ping', 'x']);
    expect(events[0].raw).toBe('event: ping\r\ndata: {}');
  });

  it('returns a trailing event that lacks its blank line on flush', () => {
    const scanner = new SseScanner();
    expect(scanner.push('data: tail')).toEqual([]);
    expect(scanner.flush().map((e) => e.data)).toEqual(['tail']);
  });
});

/** The spec's algorithm read literally, line by line, over the whole text: what the scanner must agree with however the text is cut. */
function reference(wire: string): { events: [string | undefined, string][]; rest: string } {
  const events: [string | undefined, string][] = [];
  const lines = wire.split(/\r\n|\r|\n/);
  const rest = lines.pop()!;
  let block: string[] = [];
  for (const line of lines) {
    if (line !== '') {
      block.push(line);
      continue;
    }
    let event: string | undefined;
    const data: string[] = [];
    let any = false;
    for (const l of block) {
      const colon = l.indexOf(':');
      const field = colon === -1 ? l : l.slice(0, colon);
      let value = colon === -1 ? '' : l.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      if (field === 'data') data.push(value);
      if (field === 'event' || field === 'data') any = true;
    }
    if (any) events.push([event, data.join('\n')]);
    block = [];
  }
  return { events, rest };
}

function feed(chunks: string[]): SseEvent[] {
  const scanner = new SseScanner();
  return chunks.flatMap((chunk) => scanner.push(chunk));
}

describe('SseScanner line ends and chunking', () => {
  const mixed = [
    'data: a\r\n\ndata: b\n\r\ndata: c\r\rdata: d\r\n\r\n',
    'event: x\rdata: 1\r\n\rdata: 2\n\n',
    ': keep-alive\r\n\r\nevent: y\ndata: {"k":"v"}\r\n\r\n\r\ndata: z\n\n\n\n',
    '\n\ndata: first\r\r\r\ndata\r\n\r\nevent\n\n',
  ];
  it.each(mixed)('finds the events the spec finds, cut anywhere, CRLF split or not: %j', (wire) => {
    const expected = reference(wire).events;
    const fields = (events: SseEvent[]) => events.map((e): [string | undefined, string] => [e.event, e.data]);
    expect(fields(feed([wire]))).toEqual(expected);
    expect(fields(feed([...wire]))).toEqual(expected);
    for (let cut = 1; cut < wire.length; cut++) expect(fields(feed([wire.slice(0, cut), wire.slice(cut)]))).toEqual(expected);
  });

  it('keeps an event without the line end before its blank line, whichever line end it is', () => {
    expect(feed(['data: a\r\n\ndata: b\n\r\ndata: c\r', '\n\r\n']).map((e) => e.raw)).toEqual(['data: a', 'data: b', 'data: c']);
  });

  it('does not take the LF of a CRLF split across chunks for a second line end', () => {
    const scanner = new SseScanner();
    expect(scanner.push('data: a\r')).toEqual([]);
    expect(scanner.push('\n')).toEqual([]);
    expect(scanner.push('data: b\r\n\r')).toHaveLength(1);
    // The LF finishes the blank line's CRLF: the next event starts after it.
    const [event] = [...scanner.push('\ndata: c\n\n')];
    expect(event.raw).toBe('data: c');
  });

  it('assembles one event fed one character at a time (10,000 chunks)', () => {
    const head = 'event: big\ndata: ';
    const payload = 'y'.repeat(10_000 - head.length - 2);
    const chunks = [...`${head}${payload}\n\n`];
    expect(chunks).toHaveLength(10_000);
    const scanner = new SseScanner();
    const events = chunks.flatMap((c) => scanner.push(c));
    expect(events).toHaveLength(1);
    expect(events[0].event).toBe('big');
    expect(events[0].data).toBe(payload);
  });

  it('assembles a 1 MB event fed in 64 KB chunks, with the events around it', () => {
    const payload = 'z'.repeat(1024 * 1024);
    const wire = `data: before\n\ndata: ${payload}\n\ndata: after\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < wire.length; i += 64 * 1024) chunks.push(wire.slice(i, i + 64 * 1024));
    const events = feed(chunks);
    expect(events.map((e) => e.data.length)).toEqual(['before'.length, payload.length, 'after'.length]);
    expect(events[1].data).toBe(payload);
  });

  it('throws past the event cap, whether the event is pending or finished within one chunk', () => {
    const small = new SseScanner(1_000);
    expect(small.push(`data: ${'a'.repeat(900)}`)).toEqual([]);
    expect(() => small.push('a'.repeat(200))).toThrow(SseEventTooLarge);
    expect(() => new SseScanner(1_000).push(`data: ${'a'.repeat(1_000)}\n\n`)).toThrow(SseEventTooLarge);
    // Events under the cap, however many, pass.
    expect(new SseScanner(1_000).push(`data: ${'a'.repeat(900)}\n\n`.repeat(50))).toHaveLength(50);
  });

  it('caps one event at 16 MB by default', () => {
    expect(MAX_SSE_EVENT_CHARS).toBe(16 * 1024 * 1024);
    const scanner = new SseScanner();
    const chunk = 'b'.repeat(1024 * 1024);
    expect(scanner.push('data: ')).toEqual([]);
    for (let i = 0; i < 15; i++) expect(scanner.push(chunk)).toEqual([]);
    expect(() => scanner.push(chunk)).toThrow(SseEventTooLarge);
  });
});

import { describe, expect, it } from 'vitest';
import { SseScanner } from '../../src/translate/sse.js';

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

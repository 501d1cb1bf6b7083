import { describe, expect, it } from 'vitest';
import { claudeCodeRequest } from '../../bench/claude-code-request.js';
import { anthropicCodec } from '../../src/translate/anthropic/index.js';
import { openaiChatCodec } from '../../src/translate/openai-chat/index.js';

// The bench's big request must be one Switchboard translates whole: a block it dropped would shrink the work measured.
describe("the bench's Claude-Code-sized request", () => {
  const text = claudeCodeRequest();
  const body = JSON.parse(text) as { messages: { role: string; content: { type: string }[] }[]; tools: unknown[]; stream: boolean };

  it('is 280 KB, the same every time, and asks for a stream', () => {
    expect(Math.abs(Buffer.byteLength(text) - 280_000)).toBeLessThanOrEqual(280_000 * 0.02);
    expect(claudeCodeRequest()).toBe(text);
    expect(body.stream).toBe(true);
    expect(Buffer.byteLength(claudeCodeRequest(500_000, 'bench-claude'))).toBe(500_000);
  });

  it('has the shape of a coding agent turn', () => {
    expect(body.tools.length).toBeGreaterThanOrEqual(18);
    const kinds = new Set(body.messages.flatMap((m) => m.content.map((b) => `${m.role}:${b.type}`)));
    expect([...kinds].sort()).toEqual(['assistant:text', 'assistant:thinking', 'assistant:tool_use', 'user:text', 'user:tool_result']);
    expect(body.messages.at(-1)?.role).toBe('user');
  });

  it('decodes with nothing lost and encodes to OpenAI Chat with every turn and tool', () => {
    const ir = anthropicCodec.decodeRequest(body);
    expect(ir.extra?.lost).toBeUndefined();
    const { body: chat } = openaiChatCodec.encodeRequest(ir, 'fake-model') as { body: { messages: { role: string }[]; tools: unknown[]; stream: boolean } };
    expect(chat.tools).toHaveLength(body.tools.length);
    const count = <T>(items: T[], keep: (item: T) => boolean) => items.filter(keep).length;
    // Each tool result becomes a tool message, each assistant turn an assistant message.
    const toolResults = body.messages.flatMap((m) => m.content).filter((b) => b.type === 'tool_result');
    expect(count(chat.messages, (m) => m.role === 'tool')).toBe(toolResults.length);
    expect(count(chat.messages, (m) => m.role === 'assistant')).toBe(count(body.messages, (m) => m.role === 'assistant'));
    expect(chat.stream).toBe(true);
  });
});

// Vendor-bound reasoning data in a client's history (Anthropic thinking
// signatures and redacted thinking, Gemini thought signatures, Responses
// encrypted_content) reaches only the vendor that made it: another vendor's
// upstream never receives it, and the log row names what was dropped.
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/store/types.js';
import { useRig, type PublicModel } from './rig.js';

const rig = useRig();

/** The upstream never saw `opaque`, and the row says which vendor's reasoning was dropped. */
function expectDropped(model: PublicModel, row: LogRecord, opaque: string[], vendor: string): void {
  const sent = JSON.stringify(rig().lastCall(model).body);
  for (const value of opaque) expect(sent, model).not.toContain(value);
  expect(row.status).toBe(200);
  expect(row.warnings, model).toContainEqual(expect.stringMatching(new RegExp(`dropped ${vendor} reasoning`)));
}

describe('vendor-bound reasoning in the history', () => {
  it("Anthropic's signature and redacted thinking reach no other vendor", async () => {
    for (const model of ['chat-o4', 'resp-o4', 'gemini-25'] as const) {
      await rig().anthropicClient.messages.create({
        model,
        max_tokens: 1000,
        messages: [
          { role: 'user', content: 'What is 2+2?' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Two plus two.', signature: 'SIG-ANTHROPIC' },
              { type: 'redacted_thinking', data: 'REDACTED-ANTHROPIC' },
              { type: 'text', text: 'Four.' },
            ],
          },
          { role: 'user', content: 'Thanks.' },
        ],
      });
      expectDropped(model, await rig().nextRow(), ['SIG-ANTHROPIC', 'REDACTED-ANTHROPIC'], 'anthropic');
    }
  });

  it("Gemini's thought signature reaches no other vendor", async () => {
    for (const model of ['claude-new', 'chat-o4', 'resp-o4'] as const) {
      await rig().geminiClient.models.generateContent({
        model,
        contents: [
          { role: 'user', parts: [{ text: 'What is 2+2?' }] },
          { role: 'model', parts: [{ text: 'Two plus two.', thought: true, thoughtSignature: 'SIG-GEMINI' }, { text: 'Four.' }] },
          { role: 'user', parts: [{ text: 'Thanks.' }] },
        ],
      });
      expectDropped(model, await rig().nextRow(), ['SIG-GEMINI'], 'gemini');
    }
  });

  it("OpenAI's encrypted reasoning reaches no other vendor, nor a Chat upstream that cannot take it", async () => {
    for (const model of ['claude-new', 'gemini-25', 'chat-o4'] as const) {
      await rig().chat.responses.create({
        model,
        input: [
          { role: 'user', content: 'What is 2+2?' },
          { type: 'reasoning', id: 'rs_fake_1', summary: [{ type: 'summary_text', text: 'Two plus two.' }], encrypted_content: 'ENC-OPENAI' },
          { role: 'assistant', content: 'Four.' },
          { role: 'user', content: 'Thanks.' },
        ] as never,
      });
      expectDropped(model, await rig().nextRow(), ['ENC-OPENAI'], 'openai');
    }
  });
});

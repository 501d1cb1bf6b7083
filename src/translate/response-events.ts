import type { IREvent, IRResponse } from './ir.js';

/**
 * A whole response as the stream of events that would have produced it, so
 * any stream encoder can replay a finished answer (an upstream that answered
 * without streaming, a cached answer).
 */
export function responseToEvents(response: IRResponse): IREvent[] {
  const events: IREvent[] = [{ type: 'response-start', id: response.id, model: response.model, created: response.created }];
  response.content.forEach((part, index) => {
    switch (part.type) {
      case 'text': {
        const id = `text-${index}`;
        events.push({ type: 'text-start', id }, { type: 'text-delta', id, delta: part.text }, { type: 'text-end', id });
        break;
      }
      case 'reasoning': {
        const id = `reasoning-${index}`;
        events.push({ type: 'reasoning-start', id, vendor: part.vendor, redacted: part.redacted, itemId: part.itemId });
        if (part.text) events.push({ type: 'reasoning-delta', id, delta: part.text });
        if (part.signature || part.encrypted)
          events.push({ type: 'reasoning-signature', id, signature: part.signature, encrypted: part.encrypted });
        events.push({ type: 'reasoning-end', id });
        break;
      }
      case 'tool-call': {
        const id = `tool-${index}`;
        events.push(
          { type: 'tool-call-start', id, toolCallId: part.id, name: part.name },
          { type: 'tool-call-delta', id, argumentsDelta: part.arguments },
          { type: 'tool-call-end', id },
        );
        break;
      }
      default:
        // images, files and tool results do not appear in an assistant answer
        break;
    }
  });
  events.push({ type: 'finish', finish: response.finish, usage: response.usage });
  return events;
}

/**
 * The playground's conversation written as each client shape's request body
 * (the server sets `model` and `stream`). An image goes with the last user
 * message: a URL as a URL, an upload as a data URL (or its base64 where the
 * shape wants the bytes apart).
 */
export type Shape = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';

export interface Conversation {
  system: string;
  messages: { role: 'user' | 'assistant'; text: string }[];
  /** Tools as the shape's own JSON array; empty: none. */
  tools: unknown[] | null;
  /** An image URL (https:// or data:), or empty. */
  image: string;
}

export function bodyFor(shape: Shape, c: Conversation): Record<string, unknown> {
  const lastUser = c.messages.map((m) => m.role).lastIndexOf('user');
  const image = c.image.trim();
  const withImage = (i: number) => image !== '' && i === lastUser;
  const tools = c.tools && c.tools.length > 0 ? { tools: c.tools } : {};
  switch (shape) {
    case 'openai-chat':
      return {
        messages: [
          ...(c.system ? [{ role: 'system', content: c.system }] : []),
          ...c.messages.map((m, i) =>
            withImage(i) ? { role: m.role, content: [{ type: 'text', text: m.text }, { type: 'image_url', image_url: { url: image } }] } : { role: m.role, content: m.text },
          ),
        ],
        ...tools,
      };
    case 'openai-responses':
      return {
        ...(c.system ? { instructions: c.system } : {}),
        input: c.messages.map((m, i) => ({
          role: m.role,
          content: [{ type: m.role === 'user' ? 'input_text' : 'output_text', text: m.text }, ...(withImage(i) ? [{ type: 'input_image', image_url: image }] : [])],
        })),
        ...tools,
      };
    case 'anthropic-messages':
      return {
        max_tokens: 1024,
        ...(c.system ? { system: c.system } : {}),
        messages: c.messages.map((m, i) => ({
          role: m.role,
          content: [{ type: 'text', text: m.text }, ...(withImage(i) ? [{ type: 'image', source: anthropicImage(image) }] : [])],
        })),
        ...tools,
      };
    case 'gemini':
      return {
        ...(c.system ? { systemInstruction: { parts: [{ text: c.system }] } } : {}),
        contents: c.messages.map((m, i) => ({
          role: m.role === 'user' ? 'user' : 'model',
          parts: [{ text: m.text }, ...(withImage(i) ? [geminiImage(image)] : [])],
        })),
        ...tools,
      };
  }
}

function dataUrl(url: string): { mediaType: string; data: string } | null {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1], data: match[2] } : null;
}

function anthropicImage(url: string) {
  const inline = dataUrl(url);
  return inline ? { type: 'base64', media_type: inline.mediaType, data: inline.data } : { type: 'url', url };
}

function geminiImage(url: string) {
  const inline = dataUrl(url);
  return inline ? { inlineData: { mimeType: inline.mediaType, data: inline.data } } : { fileData: { fileUri: url, mimeType: 'image/*' } };
}

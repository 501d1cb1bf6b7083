/**
 * Gemini puts the model and the action in the path:
 * `/v1beta/models/{model}:generateContent`, `:streamGenerateContent`,
 * `:countTokens`, `:embedContent`, `:batchEmbedContents`
 * (newer SDK releases use `/v1/...`). Model ids may hold `/`.
 * @see https://ai.google.dev/api/generate-content
 * @see https://ai.google.dev/api/embeddings
 */
export type GeminiAction = 'generateContent' | 'streamGenerateContent' | 'countTokens' | 'embedContent' | 'batchEmbedContents';

const PATH = /^\/v1(?:beta)?\/models\/(.+):(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;

export function parseGeminiPath(path: string): { model: string; action: GeminiAction } | undefined {
  const match = PATH.exec(path);
  if (!match) return undefined;
  // A broken percent-escape (`%E0%A4`) names no model: no route, a 404, rather than a URIError.
  const decoded = decodeModel(match[1]);
  if (decoded === undefined) return undefined;
  // The SDK may send `models/` twice (`models/models/x`) when given a full resource name.
  const model = decoded.replace(/^models\//, '');
  return { model, action: match[2] as GeminiAction };
}

function decodeModel(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

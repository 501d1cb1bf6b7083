/**
 * The Gemini API's wire shapes, as far as the codec reads or writes them.
 * Upstream replies are read loosely (every field optional), so API drift
 * does not break parsing; the client fields we act on are validated in
 * decode-request.ts.
 *
 * The API is proto3 JSON: it accepts both lowerCamelCase and snake_case
 * field names (the REST examples use snake_case), and emits lowerCamelCase.
 * @see https://ai.google.dev/api/generate-content
 */

export interface GeminiBlob {
  mimeType?: string;
  data?: string;
}

export interface GeminiFileData {
  mimeType?: string;
  fileUri?: string;
}

export interface GeminiFunctionCall {
  id?: string;
  name?: string;
  args?: Record<string, unknown>;
}

/** Media returned by a function, nested inside its functionResponse (Gemini 3). */
export interface GeminiFunctionResponsePart {
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
}

export interface GeminiFunctionResponse {
  id?: string;
  name?: string;
  response?: Record<string, unknown>;
  parts?: GeminiFunctionResponsePart[];
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  executableCode?: unknown;
  codeExecutionResult?: unknown;
  [key: string]: unknown;
}

export interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  parametersJsonSchema?: unknown;
  [key: string]: unknown;
}

export interface GeminiThinkingConfig {
  thinkingBudget?: number;
  includeThoughts?: boolean;
  thinkingLevel?: string;
  [key: string]: unknown;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  responseMimeType?: string;
  responseSchema?: unknown;
  responseJsonSchema?: unknown;
  thinkingConfig?: GeminiThinkingConfig;
  [key: string]: unknown;
}

export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: Record<string, unknown>[];
  toolConfig?: Record<string, unknown>;
  generationConfig?: GeminiGenerationConfig;
  [key: string]: unknown;
}

/**
 * Token counts. `promptTokenCount` includes `cachedContentTokenCount`;
 * `thoughtsTokenCount` is NOT part of `candidatesTokenCount`.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
  [key: string]: unknown;
}

export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  index?: number;
  [key: string]: unknown;
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; [key: string]: unknown };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  /** Vertex AI only. */
  createTime?: string;
  [key: string]: unknown;
}

/**
 * Google's error body (google.rpc.Status as JSON).
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

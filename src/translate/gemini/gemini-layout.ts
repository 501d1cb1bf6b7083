/**
 * How a Gemini request laid out what it said, which a Gemini upstream needs
 * back exactly: kept in `extra.replay` under this key, read back by
 * encode-request.ts only when the target is Gemini too, and never warned
 * about by other encoders. Most of it is spelling (roles, schema fields,
 * how tools were grouped); what it holds that the IR cannot carry at all
 * (`parts`, part fields other than `thought: false`, non-function tools,
 * unknown declaration fields) is also named in `extra.lost` by the decoder.
 * Positions are wire positions (`contents[content].parts[index]`), which the
 * encoder reproduces one for one.
 */
export const LAYOUT_FIELD = '$geminiLayout';

export interface GeminiLayout {
  /** `systemInstruction.role`, when the client sent one (the @google/genai SDK sends `user`). */
  systemRole?: string;
  /** `systemInstruction` as sent, when it held parts other than text. */
  systemInstruction?: Record<string, unknown>;
  /** Content roles other than `user` / `model` (null: the content had no role). */
  roles?: Record<number, string | null>;
  /** Parts the IR cannot hold (`executableCode`, `codeExecutionResult`, …), verbatim. */
  parts?: { content: number; index: number; part: Record<string, unknown> }[];
  /** Unmapped fields of mapped parts (`videoMetadata`, `mediaResolution`, `thought: false`, …). */
  partExtras?: { content: number; index: number; fields: Record<string, unknown> }[];
  /** The `tools` array's entries: how many function declarations each held, plus its other tools (`googleSearch`, …). */
  tools?: { functions: number; rest?: Record<string, unknown> }[];
  /** Per IR tool index: which schema field it used (and the schema as sent, when the IR holds a converted copy), other fields. */
  declarations?: Record<number, { schemaField: 'parameters' | 'parametersJsonSchema' | null; schema?: unknown; rest?: Record<string, unknown> }>;
  /** Which response schema field was used, and the schema as sent when the IR holds a converted copy. */
  responseSchema?: { field: 'responseSchema' | 'responseJsonSchema'; schema?: unknown };
  /** `thinkingLevel` as sent, when the IR holds it lower-cased. */
  thinkingLevel?: string;
}

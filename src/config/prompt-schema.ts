import { z } from 'zod';

/**
 * A prompt template as an admin saves it (docs/prompts.md): the model, the
 * system prompt and messages with `{{variable}}` placeholders, the Chat
 * Completions parameters sent with them, and a JSON Schema for the variables.
 * The same shape in the config file (`prompts:`) and the admin API. What zod
 * cannot check here (the placeholders, the schema itself) prompts/checks.ts does.
 */

/** A template's name: its path segment in `POST /v1/prompts/{name}`. */
export const promptNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, `.`, `_` or `-`, starting with a letter or digit')
  .describe('The name it is published under: `POST /v1/prompts/{name}`.');

/** Longest template text of one message, in characters: rendering is one pass over it. */
export const PROMPT_TEXT_MAX = 100_000;

export const promptMessageSchema = z.strictObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']).describe('Who says it, as in Chat Completions.'),
  content: z.string().max(PROMPT_TEXT_MAX).describe('Template text: `{{name}}` is replaced by that variable, `\\{{` is a literal `{{`.'),
});

/**
 * Request fields a client may send beside `variables` and `stream` to change
 * one call; everything else of the request is the template's. `n` and tools
 * are left out on purpose: they change what a call costs or does.
 */
export const PROMPT_CLIENT_OVERRIDES = ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'seed', 'stop', 'user'] as const;

/** Request fields the gateway itself sets on a template's call; a template's `parameters` may not hold them. */
export const PROMPT_RESERVED_PARAMETERS = ['model', 'messages', 'stream', 'stream_options'] as const;

export const promptSpecSchema = z.strictObject({
  description: z.string().max(2000).optional().describe('What the template is for (shown in the dashboard).'),
  model: z.string().min(1).describe('The public model id (or alias) it calls.'),
  system: z.string().max(PROMPT_TEXT_MAX).optional().describe('The system prompt, a template; sent as the first message.'),
  messages: z.array(promptMessageSchema).max(100).default([]).describe('Messages after the system prompt, each a template.'),
  parameters: z
    .record(z.string(), z.unknown())
    .default({})
    .refine((p) => PROMPT_RESERVED_PARAMETERS.every((name) => !(name in p)), `may not set ${PROMPT_RESERVED_PARAMETERS.join(', ')}: the gateway sets them`)
    .describe('Chat Completions fields sent with every call, as they are: `temperature`, `max_tokens`, `response_format`, `tools`…'),
  variables: z
    .record(z.string(), z.unknown())
    .default({ type: 'object' })
    .describe('A JSON Schema (draft 2020-12) of the `variables` object a call sends; its root is `type: object`.'),
});

export type PromptSpec = z.infer<typeof promptSpecSchema>;

/** A template in the config file: its name and spec; applied at start as a new version only when it differs from the published one. */
export const promptConfigSchema = promptSpecSchema.extend({ name: promptNameSchema });
export type PromptConfig = z.infer<typeof promptConfigSchema>;

// Reads a request body of each wire format into the agent scenario's view
// (agent-scenario.ts): the user texts, the offered tools with their parameter
// schemas, and the tool results sent back.
import type { AgentTool, AgentView } from './agent-scenario.js';
import { contentText, isRecord } from './text.js';

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const records = (v: unknown): Record<string, unknown>[] => list(v).filter(isRecord);
const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');

/** OpenAI Chat Completions: `messages`, `tools[].function`, `role: tool` results. */
export function chatAgentView(body: Record<string, unknown>): AgentView {
  const messages = records(body.messages);
  return {
    userTexts: messages.filter((m) => m.role === 'user').map((m) => contentText(m.content)),
    tools: records(body.tools).flatMap((t): AgentTool[] =>
      isRecord(t.function) && typeof t.function.name === 'string' ? [{ name: t.function.name, schema: t.function.parameters }] : [],
    ),
    toolResults: messages.filter((m) => m.role === 'tool').map((m) => asText(m.content)),
  };
}

/** OpenAI Responses: `input` (a string or items), function tools, `*_call_output` items. */
export function responsesAgentView(body: Record<string, unknown>): AgentView {
  const items = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : records(body.input);
  const text = (content: unknown): string =>
    typeof content === 'string' ? content : records(content).map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  return {
    userTexts: items.filter((i) => i.role === 'user').map((i) => text(i.content)),
    tools: records(body.tools).flatMap((t): AgentTool[] => (typeof t.name === 'string' && t.type === 'function' ? [{ name: t.name, schema: t.parameters }] : [])),
    toolResults: items.filter((i) => typeof i.type === 'string' && i.type.endsWith('_call_output')).map((i) => asText(i.output)),
  };
}

/** Anthropic Messages: user turns' text blocks, `tools[].input_schema`, `tool_result` blocks. */
export function anthropicAgentView(body: Record<string, unknown>): AgentView {
  const users = records(body.messages).filter((m) => m.role === 'user');
  return {
    userTexts: users.map((m) => contentText(m.content)),
    tools: records(body.tools).flatMap((t): AgentTool[] => (typeof t.name === 'string' ? [{ name: t.name, schema: t.input_schema }] : [])),
    toolResults: users.flatMap((m) => records(m.content).filter((b) => b.type === 'tool_result').map((b) => asText(b.content))),
  };
}

/** Gemini: user contents' text parts, `functionDeclarations`, `functionResponse` parts. */
export function geminiAgentView(body: Record<string, unknown>): AgentView {
  const contents = records(body.contents);
  const parts = (c: Record<string, unknown>): Record<string, unknown>[] => records(c.parts);
  return {
    userTexts: contents
      .filter((c) => c.role === undefined || c.role === 'user')
      .map((c) => parts(c).map((p) => (typeof p.text === 'string' && p.thought !== true ? p.text : '')).join('')),
    tools: records(body.tools).flatMap((t) =>
      records(t.functionDeclarations).flatMap((f): AgentTool[] =>
        typeof f.name === 'string' ? [{ name: f.name, schema: f.parametersJsonSchema ?? f.parameters }] : [],
      ),
    ),
    toolResults: contents.flatMap((c) => parts(c).filter((p) => isRecord(p.functionResponse)).map((p) => asText(p.functionResponse))),
  };
}

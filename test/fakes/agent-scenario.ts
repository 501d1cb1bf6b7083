// The "agent" scenario every fake plays: a coding agent's tool loop. A real agent
// (Claude Code, Codex CLI, Gemini CLI) is asked to read a file with its own tool and
// answer with the token the file holds. The fake, seeing that prompt anywhere in the
// conversation, answers the first turn with a call to the agent's file-reading tool and
// the turn that carries the tool's result with text quoting the token it found there.
// The tool is found in the request's own tool list by its name and the property names
// of its JSON schema, never by a hard-coded list per agent, so new agent versions keep
// working. This file is vendor-neutral; agent-views.ts reads each wire format into an
// AgentView and each fake writes the AgentStep in its own format.
import { isRecord } from './text.js';

/** The mark that picks the scenario; unlike the others it may sit in any user turn, since later turns end in tool results. */
export const AGENT_MARK = 'scenario:agent';

/** Tokens the tests write into the file to be read. */
export const AGENT_TOKEN_PATTERN = /agent-token-[0-9a-f]{8,}/;

/** The prompt given to the agent: the mark and the file's absolute path. */
export function agentPrompt(path: string): string {
  return `${AGENT_MARK} Read the file ${path} with your file-reading tool, then answer with the token it holds.`;
}

export interface AgentTool {
  name: string;
  /** The JSON schema of the tool's parameters, as the request carried it. */
  schema: unknown;
}

/** What the scenario needs from a request, whatever its wire format. */
export interface AgentView {
  /** Every user turn's text, oldest first. */
  userTexts: string[];
  tools: AgentTool[];
  /** Every tool result in the conversation, as text (JSON text where the format carries objects). */
  toolResults: string[];
}

export type AgentStep =
  | { kind: 'call'; name: string; arguments: Record<string, unknown> }
  | { kind: 'answer'; text: string };

/** Properties that name the file for a reading tool, and the command for a shell tool. */
const PATH_PROPERTIES = ['file_path', 'absolute_path', 'filePath', 'path'] as const;
const COMMAND_PROPERTIES = ['cmd', 'command'] as const;

function propertiesOf(schema: unknown): Record<string, unknown> {
  return isRecord(schema) && isRecord(schema.properties) ? schema.properties : {};
}

/** A call to the agent's file-reading tool, else to its shell tool with `cat`. */
function readCall(tools: AgentTool[], path: string): AgentStep | undefined {
  for (const tool of tools) {
    if (!/read/i.test(tool.name)) continue;
    const key = PATH_PROPERTIES.find((k) => k in propertiesOf(tool.schema));
    if (key) return { kind: 'call', name: tool.name, arguments: { [key]: path } };
  }
  for (const tool of tools) {
    if (!/exec|shell|bash/i.test(tool.name)) continue;
    const properties = propertiesOf(tool.schema);
    const key = COMMAND_PROPERTIES.find((k) => k in properties);
    if (!key) continue;
    const spec = properties[key];
    const isArray = isRecord(spec) && typeof spec.type === 'string' && spec.type.toLowerCase() === 'array';
    return { kind: 'call', name: tool.name, arguments: { [key]: isArray ? ['cat', path] : `cat ${path}` } };
  }
  return undefined;
}

/**
 * The web search scenario, for hosted tools: with this mark in a user turn, the model calls the
 * web search tool it was offered (any tool named like `web_search` / `WebSearch` with a `query`)
 * with the marked text as the query (so an agent's own search sub-request carries the mark too),
 * and once a tool result holds an address, answers citing the first one.
 */
export const WEB_SEARCH_MARK = 'scenario:websearch';

function webSearchStep(view: AgentView, prompt: string): AgentStep {
  const url = /https?:\/\/[^\s"'<>)\],\\]+/.exec(view.toolResults.join('\n'))?.[0];
  if (url) return { kind: 'answer', text: `According to ${url}, the answer was found.` };
  const tool = view.tools.find((t) => /web_?search/i.test(t.name) && 'query' in propertiesOf(t.schema));
  if (!tool) return { kind: 'answer', text: 'No web search tool was offered.' };
  const query = prompt.slice(prompt.indexOf(WEB_SEARCH_MARK)).split('\n')[0].slice(0, 200).trim();
  return { kind: 'call', name: tool.name, arguments: { query } };
}

/** The image scenario, for hosted tools: the model calls the image tool it was offered with the marked text as the prompt, then says it is done. */
export const IMAGE_MARK = 'scenario:image';

function imageStep(view: AgentView, prompt: string): AgentStep {
  if (view.toolResults.length > 0) return { kind: 'answer', text: 'Here is the image.' };
  const tool = view.tools.find((t) => /image/i.test(t.name) && 'prompt' in propertiesOf(t.schema));
  if (!tool) return { kind: 'answer', text: 'No image tool was offered.' };
  return { kind: 'call', name: tool.name, arguments: { prompt: prompt.slice(prompt.indexOf(IMAGE_MARK)).split('\n')[0].slice(0, 200).trim() } };
}

/** The agent scenario's next step, or undefined when the request is not playing it. */
export function agentStep(view: AgentView): AgentStep | undefined {
  const search = view.userTexts.find((t) => t.includes(WEB_SEARCH_MARK));
  if (search !== undefined) return webSearchStep(view, search);
  const image = view.userTexts.find((t) => t.includes(IMAGE_MARK));
  if (image !== undefined) return imageStep(view, image);
  const prompt = view.userTexts.find((t) => t.includes(AGENT_MARK));
  if (prompt === undefined) return undefined;
  if (view.toolResults.length > 0) {
    const results = view.toolResults.join('\n');
    const token = AGENT_TOKEN_PATTERN.exec(results)?.[0];
    return { kind: 'answer', text: token ? `The file holds ${token}.` : `The tool result holds no token: ${results.slice(0, 300)}` };
  }
  const path = /Read the file (\S+)/.exec(prompt)?.[1];
  // A side request (a title, a topic, a check) offers no tools: a short text answers it.
  return (path ? readCall(view.tools, path) : undefined) ?? { kind: 'answer', text: 'Reading a file' };
}

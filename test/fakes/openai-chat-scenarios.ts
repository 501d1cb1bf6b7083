// What the fake OpenAI chat endpoint answers for each scenario of scenarios.ts,
// as a plan that openai.ts renders as a chat.completion body or as chunk frames.
import { JSON_ANSWER, LENGTH_TEXT, REASONING, REASONING_ANSWER, STOP_TEXT, TOOL_CALLS, scenarioOf } from './scenarios.js';
import { agentStep, type AgentStep } from './agent-scenario.js';
import { chatAgentView } from './agent-views.js';
import { echoReply, lastUserText, randomAlnum, splitDeltas } from './text.js';

export interface ChatToolCallPlan {
  id: string;
  name: string;
  /** JSON text, as OpenAI sends it. */
  arguments: string;
}

export type ChatPlan =
  | {
      kind: 'reply';
      content: string | null;
      /** Non-standard `reasoning_content`, as DeepSeek, vLLM and other compatible servers send it. */
      reasoning?: string;
      toolCalls?: ChatToolCallPlan[];
      finishReason: 'stop' | 'length' | 'tool_calls';
    }
  | { kind: 'context-length' }
  | { kind: 'server-error' };

/** Tool call ids the fake gives, in order. */
export const FAKE_CHAT_TOOL_CALL_IDS = ['call_fake_1', 'call_fake_2'] as const;

/** The agent scenario's step as a chat reply. */
function agentPlan(step: AgentStep): ChatPlan {
  if (step.kind === 'answer') return { kind: 'reply', content: step.text, finishReason: 'stop' };
  return { kind: 'reply', content: null, toolCalls: [{ id: `call_${randomAlnum(24)}`, name: step.name, arguments: JSON.stringify(step.arguments) }], finishReason: 'tool_calls' };
}

/**
 * A chat-only scenario (`scenario:thinktools`): reasoning, then the two tool
 * calls of TOOL_CALLS, as a thinking model of a compatible server (DeepSeek)
 * answers in a tool loop.
 */
export const THINK_TOOLS = 'scenario:thinktools';

/** `body` (the whole request) lets the agent scenario read the offered tools. */
export function planChatReply(messages: unknown[], body: Record<string, unknown> = { messages }): ChatPlan {
  const agent = agentStep(chatAgentView(body));
  if (agent) return agentPlan(agent);
  if (lastUserText(messages).includes(THINK_TOOLS)) {
    return { ...toolCallsPlan(), content: null, reasoning: REASONING };
  }
  switch (scenarioOf(lastUserText(messages))) {
    case 'text':
      return { kind: 'reply', content: echoReply(messages), finishReason: 'stop' };
    case 'tools':
      return toolCallsPlan();
    case 'json':
      return { kind: 'reply', content: JSON_ANSWER, finishReason: 'stop' };
    case 'reasoning':
      return { kind: 'reply', content: REASONING_ANSWER, reasoning: REASONING, finishReason: 'stop' };
    case 'stop':
      // OpenAI does not say which stop sequence matched.
      return { kind: 'reply', content: STOP_TEXT, finishReason: 'stop' };
    case 'length':
      return { kind: 'reply', content: LENGTH_TEXT, finishReason: 'length' };
    case 'context':
      return { kind: 'context-length' };
    case 'error':
      return { kind: 'server-error' };
    default:
      return { kind: 'reply', content: echoReply(messages), finishReason: 'stop' };
  }
}

function toolCallsPlan(): Extract<ChatPlan, { kind: 'reply' }> {
  return {
    kind: 'reply',
    content: null,
    toolCalls: TOOL_CALLS.map((call, i) => ({ id: FAKE_CHAT_TOOL_CALL_IDS[i] ?? `call_fake_${i + 1}`, name: call.name, arguments: JSON.stringify(call.arguments) })),
    finishReason: 'tool_calls',
  };
}

/**
 * Where a compatible server writes readable reasoning, chosen by the model
 * id: `reasoning` plus `reasoning_details` as OpenRouter does (model ids with
 * `openrouter`), `reasoning_details` alone (`details`), else `reasoning_content`
 * as DeepSeek and vLLM do.
 * @see https://openrouter.ai/docs/use-cases/reasoning-tokens
 * @see https://api-docs.deepseek.com/guides/reasoning_model
 */
export type ReasoningStyle = 'reasoning_content' | 'openrouter' | 'details';

export function reasoningStyleOf(model: string): ReasoningStyle {
  if (model.includes('openrouter')) return 'openrouter';
  if (model.includes('details')) return 'details';
  return 'reasoning_content';
}

function reasoningFields(text: string, style: ReasoningStyle): Record<string, unknown> {
  const details = [{ type: 'reasoning.text', text, format: 'unknown', index: 0 }];
  switch (style) {
    case 'reasoning_content':
      return { reasoning_content: text };
    case 'openrouter':
      return { reasoning: text, reasoning_details: details };
    case 'details':
      return { reasoning_details: details };
    default:
      return style satisfies never;
  }
}

/** The assistant `message` of a non-stream chat.completion. */
export function chatMessage(plan: Extract<ChatPlan, { kind: 'reply' }>, style: ReasoningStyle = 'reasoning_content'): Record<string, unknown> {
  return {
    role: 'assistant',
    content: plan.content,
    ...(plan.reasoning !== undefined ? reasoningFields(plan.reasoning, style) : {}),
    ...(plan.toolCalls ? { tool_calls: plan.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
    refusal: null,
    annotations: [],
  };
}

/** Split JSON text into pieces of a few characters, as OpenAI streams tool arguments. */
export function splitArguments(text: string, size = 7): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

/** The `delta`s of a streamed answer after the first (role) chunk, before the finish chunk. */
export function chatDeltas(plan: Extract<ChatPlan, { kind: 'reply' }>, style: ReasoningStyle = 'reasoning_content'): Record<string, unknown>[] {
  const deltas: Record<string, unknown>[] = [];
  if (plan.reasoning !== undefined) for (const piece of splitDeltas(plan.reasoning)) deltas.push(reasoningFields(piece, style));
  if (plan.content !== null) for (const piece of splitDeltas(plan.content)) deltas.push({ content: piece });
  (plan.toolCalls ?? []).forEach((call, index) => {
    deltas.push({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] });
    for (const piece of splitArguments(call.arguments)) deltas.push({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  return deltas;
}

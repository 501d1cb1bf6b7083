/**
 * Scenarios every fake upstream can play, chosen by the text of the last user
 * message (`scenario:<name>` anywhere in it; the text crosses any
 * translation intact). Each fake answers them in its own wire format with
 * exactly these contents, so translation tests can compare what a client
 * parses against what the upstream produced.
 */
export const SCENARIO = {
  /** Default: the reply is `echo: ` + the last user text. */
  text: 'text',
  /** Two parallel tool calls (TOOL_CALLS), finish = tool calls. */
  tools: 'tools',
  /** A JSON answer (JSON_ANSWER) as text, finish = stop. */
  json: 'json',
  /** Reasoning (REASONING) before the text REASONING_ANSWER, finish = stop. */
  reasoning: 'reasoning',
  /** Text STOP_TEXT, stopped by the stop sequence STOP_SEQUENCE. */
  stop: 'stop',
  /** Text LENGTH_TEXT cut off by max tokens, finish = length. */
  length: 'length',
  /** The vendor's context-length error (400). */
  context: 'context',
  /** The vendor's 500 server error. */
  error: 'error',
} as const;

export type ScenarioName = keyof typeof SCENARIO;

export const TOOL_CALLS = [
  { name: 'get_weather', arguments: { city: 'Paris' } },
  { name: 'get_time', arguments: { timezone: 'Europe/Paris' } },
] as const;

export const JSON_ANSWER = '{"answer":42,"unit":"none"}';
export const REASONING = 'The user wants a short answer. Two plus two is four.';
export const REASONING_ANSWER = 'The answer is 4.';
/** Opaque vendor data that must come back untouched on a same-vendor round trip. */
export const REASONING_SIGNATURE = 'c2lnbmF0dXJlLWZyb20tdGhlLWZha2U=';
export const STOP_TEXT = 'one two three';
export const STOP_SEQUENCE = 'END';
export const LENGTH_TEXT = 'This answer is cut off because it ran';

/** Finds the scenario a request asks for from its last user message text. */
export function scenarioOf(lastUserText: string): ScenarioName {
  const match = /scenario:([a-z]+)/.exec(lastUserText);
  const name = match?.[1];
  return name && name in SCENARIO ? (name as ScenarioName) : 'text';
}

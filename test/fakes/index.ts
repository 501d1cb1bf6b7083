// Public entry point for the fake upstreams used by integration tests.
export type { Fault, FakeCall, FakeUpstream } from './server.js';
export { startFakeOpenAI } from './openai.js';
export { startFakeAnthropic } from './anthropic.js';
export { startFakeGemini, FAKE_GEMINI_USAGE } from './gemini.js';
export { FAKE_USAGE } from './usage.js';
export { parseSse } from './sse-parse.js';
export type { SseFrame } from './sse-parse.js';

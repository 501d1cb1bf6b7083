/**
 * Ready-to-paste setups for a new client key. Every tool-specific name here
 * comes from that tool's public documentation, cited next to it.
 */

export interface Snippet {
  id: string;
  title: string;
  text: string;
}

export function clientSnippets(origin: string, key: string, model: string): Snippet[] {
  return [
    {
      id: 'openai-python',
      title: 'OpenAI SDK (Python)',
      // https://github.com/openai/openai-python#usage — `base_url` and `api_key` constructor options
      text: `from openai import OpenAI

client = OpenAI(base_url="${origin}/v1", api_key="${key}")
reply = client.chat.completions.create(
    model="${model}",
    messages=[{"role": "user", "content": "Hello"}],
)
print(reply.choices[0].message.content)`,
    },
    {
      id: 'openai-node',
      title: 'OpenAI SDK (Node)',
      // https://github.com/openai/openai-node#usage — `baseURL` and `apiKey` client options
      text: `import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${origin}/v1', apiKey: '${key}' });
const reply = await client.chat.completions.create({
  model: '${model}',
  messages: [{ role: 'user', content: 'Hello' }],
});
console.log(reply.choices[0].message.content);`,
    },
    {
      id: 'anthropic-python',
      title: 'Anthropic SDK (Python)',
      // https://github.com/anthropics/anthropic-sdk-python#usage — `base_url` (the SDK adds /v1/messages) and `api_key`
      text: `import anthropic

client = anthropic.Anthropic(base_url="${origin}", api_key="${key}")
reply = client.messages.create(
    model="${model}",
    max_tokens=512,
    messages=[{"role": "user", "content": "Hello"}],
)
print(reply.content[0].text)`,
    },
    {
      id: 'curl',
      title: 'curl',
      // https://platform.openai.com/docs/api-reference/chat/create — the Chat Completions request body
      text: `curl ${origin}/v1/chat/completions \\
  -H 'Authorization: Bearer ${key}' \\
  -H 'Content-Type: application/json' \\
  -d '{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}'`,
    },
    {
      id: 'claude-code',
      title: 'Claude Code',
      // https://docs.anthropic.com/en/docs/claude-code/settings#environment-variables — ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN (sent as a Bearer token)
      text: `export ANTHROPIC_BASE_URL=${origin}
export ANTHROPIC_AUTH_TOKEN=${key}
claude`,
    },
    {
      id: 'codex',
      title: 'Codex CLI',
      // https://github.com/openai/codex/blob/main/docs/config.md#model_providers — a provider block in ~/.codex/config.toml;
      // `env_key` names the variable holding the key, `wire_api = "responses"` uses /v1/responses
      text: `# ~/.codex/config.toml
model = "${model}"
model_provider = "switchboard"

[model_providers.switchboard]
name = "Switchboard"
base_url = "${origin}/v1"
env_key = "SWITCHBOARD_API_KEY"
wire_api = "responses"

# then, in the shell that runs codex:
# export SWITCHBOARD_API_KEY=${key}`,
    },
  ];
}

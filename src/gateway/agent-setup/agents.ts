import type { SetupAgent } from '../../policy/setup-tokens.js';

/**
 * What each agent's one-line setup writes, as data both script languages
 * (posix.ts, powershell.ts) render: the files, where each agent itself looks
 * for them, and the values. Every file is merged into what is there, never
 * replaced whole, and backed up first.
 */

/** Where a file lives: under `$<envDir>` when that variable is set (the agent honours it), else under HOME. */
export interface FilePlace {
  envDir?: { name: string; sub: string };
  /** The folder relative to HOME, `/`-separated. */
  homeDir: string;
  file: string;
}

export type SetupFile =
  /** A JSON object merged in: objects merge key by key, anything else is replaced. */
  | { kind: 'json'; place: FilePlace; patch: Record<string, unknown>; says: string }
  /** `NAME=value` lines of a dotenv file, each replacing a line of the same name. */
  | { kind: 'env'; place: FilePlace; values: Record<string, string>; says: string }
  /**
   * Codex's config.toml: top-level lines (`name = value`) replacing lines of
   * the same names before the first table, and one table replaced whole.
   */
  | { kind: 'toml'; place: FilePlace; top: Record<string, string>; table: string; lines: Record<string, string>; says: string };

export interface AgentSetup {
  title: string;
  /** The command that starts the agent, for the closing line. */
  command: string;
  files: SetupFile[];
}

export interface SetupValues {
  /** The gateway's base URL, no trailing slash. */
  baseUrl: string;
  key: string;
  /** The model the agent is pointed at; undefined when the key may use none the gateway knows. */
  model: string | undefined;
  /** Every model the key may use (opencode lists them to pick from). */
  models: string[];
}

/** The provider id written into Codex's and opencode's configs. */
const PROVIDER = 'switchboard';
/** The variable Codex reads the key from (`env_key`), set in $CODEX_HOME/.env, which Codex loads at start. */
const CODEX_KEY_VARIABLE = 'SWITCHBOARD_API_KEY';

export function agentSetup(agent: SetupAgent, v: SetupValues): AgentSetup {
  switch (agent) {
    case 'claude': {
      // https://docs.anthropic.com/en/docs/claude-code/settings: settings.json's `env` applies to every session;
      // ANTHROPIC_AUTH_TOKEN is sent as `Authorization: Bearer`; ANTHROPIC_MODEL and the tier variables
      // (ANTHROPIC_DEFAULT_{OPUS,SONNET,HAIKU}_MODEL) name the models it asks for. CLAUDE_CONFIG_DIR moves ~/.claude.
      const models = v.model
        ? { ANTHROPIC_MODEL: v.model, ANTHROPIC_DEFAULT_OPUS_MODEL: v.model, ANTHROPIC_DEFAULT_SONNET_MODEL: v.model, ANTHROPIC_DEFAULT_HAIKU_MODEL: v.model }
        : {};
      return {
        title: 'Claude Code',
        command: 'claude',
        files: [
          {
            kind: 'json',
            place: { envDir: { name: 'CLAUDE_CONFIG_DIR', sub: '' }, homeDir: '.claude', file: 'settings.json' },
            patch: { env: { ANTHROPIC_BASE_URL: v.baseUrl, ANTHROPIC_AUTH_TOKEN: v.key, ...models } },
            says: `env: ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN (the key)${v.model ? `, ANTHROPIC_MODEL and the model tiers (${v.model})` : ''}`,
          },
        ],
      };
    }
    case 'codex':
      // https://github.com/openai/codex/blob/main/docs/config.md#model_providers: a provider with `base_url`,
      // `env_key` (the variable holding the key) and `wire_api = "responses"`; CODEX_HOME moves ~/.codex.
      // Codex loads $CODEX_HOME/.env into its environment at start, so the key is found without a shell profile.
      return {
        title: 'Codex CLI',
        command: 'codex',
        files: [
          {
            kind: 'env',
            place: { envDir: { name: 'CODEX_HOME', sub: '' }, homeDir: '.codex', file: '.env' },
            values: { [CODEX_KEY_VARIABLE]: v.key },
            says: `${CODEX_KEY_VARIABLE} (the key)`,
          },
          {
            kind: 'toml',
            place: { envDir: { name: 'CODEX_HOME', sub: '' }, homeDir: '.codex', file: 'config.toml' },
            top: { ...(v.model ? { model: tomlString(v.model) } : {}), model_provider: tomlString(PROVIDER) },
            table: `model_providers.${PROVIDER}`,
            lines: { name: tomlString('Switchboard'), base_url: tomlString(`${v.baseUrl}/v1`), env_key: tomlString(CODEX_KEY_VARIABLE), wire_api: tomlString('responses') },
            says: `model_provider = "${PROVIDER}"${v.model ? `, model = "${v.model}"` : ''}, [model_providers.${PROVIDER}]`,
          },
        ],
      };
    case 'gemini':
      // https://github.com/google-gemini/gemini-cli/blob/main/docs/get-started/configuration.md: settings.json
      // (`security.auth.selectedType`, `model.name`), and ~/.gemini/.env, which the CLI loads when the working
      // folder and its parents hold no .env of their own. GOOGLE_GEMINI_BASE_URL points its Gemini client elsewhere.
      return {
        title: 'Gemini CLI',
        command: 'gemini',
        files: [
          {
            kind: 'env',
            place: { homeDir: '.gemini', file: '.env' },
            values: { GEMINI_API_KEY: v.key, GOOGLE_GEMINI_BASE_URL: v.baseUrl },
            says: 'GEMINI_API_KEY (the key), GOOGLE_GEMINI_BASE_URL',
          },
          {
            kind: 'json',
            place: { homeDir: '.gemini', file: 'settings.json' },
            patch: { security: { auth: { selectedType: 'gemini-api-key' } }, ...(v.model ? { model: { name: v.model } } : {}) },
            says: `security.auth.selectedType = gemini-api-key${v.model ? `, model.name = ${v.model}` : ''}`,
          },
        ],
      };
    case 'opencode':
      // https://opencode.ai/docs/providers/#custom-provider: a provider on the AI SDK's OpenAI-compatible package
      // with `options.baseURL` / `options.apiKey` and its `models`; https://opencode.ai/docs/config/ (`model`,
      // `small_model`, as `<provider>/<model>`), in $XDG_CONFIG_HOME/opencode or ~/.config/opencode.
      return {
        title: 'opencode',
        command: 'opencode',
        files: [
          {
            kind: 'json',
            place: { envDir: { name: 'XDG_CONFIG_HOME', sub: 'opencode' }, homeDir: '.config/opencode', file: 'opencode.json' },
            patch: {
              provider: {
                [PROVIDER]: {
                  npm: '@ai-sdk/openai-compatible',
                  name: 'Switchboard',
                  options: { baseURL: `${v.baseUrl}/v1`, apiKey: v.key },
                  models: Object.fromEntries(v.models.map((m) => [m, { name: m }])),
                },
              },
              ...(v.model ? { model: `${PROVIDER}/${v.model}`, small_model: `${PROVIDER}/${v.model}` } : {}),
            },
            says: `provider.${PROVIDER} (the key in options.apiKey, ${v.models.length} models)${v.model ? `, model = ${PROVIDER}/${v.model}` : ''}`,
          },
        ],
      };
    default:
      return agent satisfies never;
  }
}

/**
 * The model a link points an agent at: the first the key may use whose name
 * says it is of the agent's own family (Claude for Claude Code, GPT for
 * Codex, Gemini for the Gemini CLI), else the first it may use at all. Any
 * model works through translation; the family is only the likelier fit.
 */
export function defaultModel(agent: SetupAgent, models: string[]): string | undefined {
  const family: Record<SetupAgent, RegExp | undefined> = {
    claude: /claude|sonnet|opus|haiku/i,
    codex: /gpt|codex|^o\d/i,
    gemini: /gemini/i,
    opencode: undefined,
  };
  const like = family[agent];
  return (like && models.find((m) => like.test(m))) ?? models[0];
}

/** A TOML basic string: JSON's escapes are a subset of TOML's. https://toml.io/en/v1.0.0#string */
function tomlString(text: string): string {
  return JSON.stringify(text);
}

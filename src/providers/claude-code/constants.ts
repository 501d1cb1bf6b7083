/**
 * The Claude sign-in and request values of Anthropic's Claude Code CLI. The
 * sign-in is not a documented public API: these are the values the CLI
 * itself uses (its OAuth client is public and PKCE-only), as recorded by the
 * projects that document it (e.g. github.com/notforyou23/evobrew
 * anthropic-oauth-flow.md, github.com/grandimam/barebone
 * barebone/auth/constants.py); each is a setting of the upstream
 * (`oauth`, config/schema.ts) so it can follow the CLI when it changes.
 * The request headers are the ones the CLI sends, as recorded from Claude
 * Code itself in test/fixtures/agents/claude-code-*.json.
 */

/** Where the browser signs in; `code=true` asks for the page that shows the code to paste back. */
export const CLAUDE_AUTHORIZE_URL = 'https://claude.ai/oauth/authorize';

/** The token endpoint of the code exchange and of refresh (JSON bodies). */
export const CLAUDE_TOKEN_URL = 'https://console.anthropic.com/v1/oauth/token';

/** The page the sign-in lands on: it shows `code#state` for the user to paste into the CLI. */
export const CLAUDE_REDIRECT_URI = 'https://console.anthropic.com/oauth/code/callback';

/** The Claude Code CLI's public OAuth client id. */
export const CLAUDE_CLIENT_ID = '9d1c250a-e61b-44d9-88ed-5944d1962f5e';

/** The scopes the CLI asks for; `user:inference` is the one Messages requests need. */
export const CLAUDE_SCOPE = 'org:create_api_key user:profile user:inference';

/** A subscription is served by the Anthropic API itself. */
export const CLAUDE_CODE_BASE_URL = 'https://api.anthropic.com';

/**
 * The betas every request carries: `oauth-2025-04-20` lets the API take an
 * OAuth access token as `Authorization: Bearer` (without it the API asks for
 * an API key), `claude-code-20250219` is the one the CLI always sends.
 * The client's own betas are added to these.
 */
export const CLAUDE_CODE_BETAS = ['claude-code-20250219', 'oauth-2025-04-20'];

/** The Claude Code version the requests name in User-Agent (as recorded in test/fixtures/agents). */
export const CLAUDE_CODE_VERSION = '2.1.332';

/** How the CLI names itself: `claude-cli/<version> (external, cli)`, and `x-app: cli`. */
export const CLAUDE_CODE_USER_AGENT = `claude-cli/${CLAUDE_CODE_VERSION} (external, cli)`;
export const CLAUDE_CODE_APP = 'cli';

/**
 * The identity line Claude Code's system prompt begins with. A subscription
 * token is accepted only for Claude Code's requests; the API tells them by
 * their system prompt, so a request whose system prompt does not carry one
 * of the identities below gets this one as its first block.
 */
export const CLAUDE_CODE_IDENTITY = "You are Claude Code, Anthropic's official CLI for Claude.";

/** The identities Claude Code itself sends (interactive, and run through its Agent SDK / `claude -p`). */
export const CLAUDE_CODE_IDENTITIES = [
  "You are Claude Code, Anthropic's official CLI for Claude",
  "You are a Claude agent, built on Anthropic's Claude Agent SDK",
];

/** Refresh an access token this long before it expires (they live about 8 hours). */
export const REFRESH_MARGIN_MS = 5 * 60_000;

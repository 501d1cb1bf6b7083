/**
 * GitHub Copilot's public endpoints and the headers its API expects from an
 * editor integration. Copilot has no published API reference; these are the
 * values the Copilot editor plugins send, as open-source Copilot clients use
 * them (e.g. github.com/ericc-ch/copilot-api src/lib/api-config.ts,
 * github.com/RooCodeInc/Roo-Code packages/types/src/providers, copilot.vim).
 */

/** Device-flow sign-in host. @see https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow */
export const GITHUB_URL = 'https://github.com';

/** Where a GitHub OAuth token is exchanged for a Copilot token (`/copilot_internal/v2/token`). */
export const GITHUB_API_URL = 'https://api.github.com';

/** The Copilot API, when the token answer names no `endpoints.api`. */
export const COPILOT_API_URL = 'https://api.githubcopilot.com';

/**
 * The public OAuth client id of the Copilot editor plugins (copilot.vim,
 * the VS Code extension), which Copilot tokens are issued to.
 */
export const COPILOT_CLIENT_ID = 'Iv1.b507a08c87ecfe98';

/** The device flow asks only to read the user's profile. */
export const COPILOT_SCOPE = 'read:user';

/** The editor Copilot requests present themselves as. */
export const EDITOR_VERSION = 'vscode/1.99.3';
export const EDITOR_PLUGIN_VERSION = 'copilot-chat/0.26.7';
export const COPILOT_USER_AGENT = 'GitHubCopilotChat/0.26.7';
export const COPILOT_INTEGRATION_ID = 'vscode-chat';

/** Headers of every call to GitHub's token exchange and to the Copilot API. */
export const EDITOR_HEADERS: Record<string, string> = {
  'editor-version': EDITOR_VERSION,
  'editor-plugin-version': EDITOR_PLUGIN_VERSION,
  'user-agent': COPILOT_USER_AGENT,
};

/** Headers of calls to the Copilot API itself. */
export const COPILOT_API_HEADERS: Record<string, string> = {
  ...EDITOR_HEADERS,
  'copilot-integration-id': COPILOT_INTEGRATION_ID,
  'openai-intent': 'conversation-panel',
  // GitHub's API version the Copilot API is called with.
  'x-github-api-version': '2025-04-01',
};

/**
 * The ChatGPT sign-in and Codex backend values of OpenAI's Codex CLI, from
 * its source (github.com/openai/codex: codex-rs/login/src/server.rs and
 * codex-rs/core/src/auth.rs for sign-in and refresh, codex-rs/core/src/client.rs
 * and default_client.rs for the request headers).
 */

/** The OpenAI sign-in server (issuer of the Codex CLI's tokens). */
export const AUTH_URL = 'https://auth.openai.com';

/** The Codex backend, reached with ChatGPT sign-in tokens. */
export const CODEX_BASE_URL = 'https://chatgpt.com/backend-api/codex';

/** The Codex CLI's public OAuth client id (codex-rs/login/src/server.rs, CLIENT_ID). */
export const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

/** The redirect the Codex CLI registers: its local callback server on port 1455. */
export const CODEX_REDIRECT_URI = 'http://localhost:1455/auth/callback';

/** The scopes the Codex CLI asks for; `offline_access` brings the refresh token. */
export const CODEX_SCOPE = 'openid profile email offline_access';

/** How the Codex CLI names itself to the backend (`originator` header and authorize parameter). */
export const CODEX_ORIGINATOR = 'codex_cli_rs';

/** The Responses beta the backend is called under. */
export const CODEX_OPENAI_BETA = 'responses=experimental';

/**
 * The Codex CLI version the model list is asked for: the backend answers
 * with the models that CLI version supports (`GET /models?client_version=`).
 */
export const CODEX_CLIENT_VERSION = '0.124.0';

/** Refresh an access token this long before it expires. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The session cookie's name and path. Path=/admin/api: the dashboard's pages
 * are public files served at `/`, and only its calls to the admin API need
 * the session, so the cookie goes nowhere else (not to /v1, not to the pages).
 */
export const SESSION_COOKIE = 'sb_session';
export const SESSION_COOKIE_PATH = '/admin/api';
/** The header a cookie-signed write carries its session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

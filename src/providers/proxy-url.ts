/**
 * A proxy URL as it may be shown (admin API, dashboard, logs, errors): its
 * user and password replaced by one `***`, the scheme, host and port kept so
 * an operator can tell which proxy is used. A value that is not a URL (a
 * sealed one that did not open) is shown as `***` whole.
 */
export function redactProxyUrl(proxy: string): string {
  try {
    const url = new URL(proxy);
    if (url.username || url.password) {
      url.username = '***';
      url.password = '';
    }
    return url.toString().replace(/\/$/, '');
  } catch {
    return '***';
  }
}

/**
 * The proxy to store when one is given back as it was shown (the admin API's
 * masked form, an exported config): the stored one, password and all.
 * Anything else given is taken as it is.
 */
export function unmaskProxyUrl(given: string, stored: string | undefined): string {
  return stored !== undefined && given !== stored && given === redactProxyUrl(stored) ? stored : given;
}

/** Whether a proxy URL names a user or password (what makes it secret); a value that is not a URL is taken as secret. */
export function proxyHasLogin(proxy: string): boolean {
  try {
    const url = new URL(proxy);
    return url.username !== '' || url.password !== '';
  } catch {
    return true;
  }
}

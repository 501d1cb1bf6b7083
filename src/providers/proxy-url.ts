/**
 * A proxy URL as it may be shown (admin API, logs, errors): its password
 * replaced by `***`, the user kept so an operator can tell which one is used.
 * A value that is not a URL is shown as `***` whole.
 */
export function redactProxyUrl(proxy: string): string {
  try {
    const url = new URL(proxy);
    if (url.password) url.password = '***';
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

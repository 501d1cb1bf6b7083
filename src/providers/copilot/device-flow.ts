import type { UpstreamRecord } from '../../store/types.js';
import type { HttpClient } from '../http.js';
import { joinUrl } from '../provider.js';
import { recordOf, requestJson } from '../upstream-json.js';
import { COPILOT_CLIENT_ID, COPILOT_SCOPE, GITHUB_URL } from './constants.js';

/**
 * GitHub's OAuth device flow, which signs a Copilot upstream in: ask for a
 * device and user code, show the user code and the verification URL, then
 * poll for the token while the user approves it in a browser.
 * @see https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow
 */

export interface DeviceCode {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  /** Seconds until the codes expire. */
  expiresIn: number;
  /** Seconds to wait between polls. */
  interval: number;
}

export type DevicePoll =
  | { kind: 'done'; token: string }
  /** Not approved yet: poll again after `interval` seconds (larger after `slow_down`). */
  | { kind: 'pending'; interval?: number; slowDown: boolean }
  | { kind: 'expired' }
  | { kind: 'denied' };

type Endpoints = Pick<UpstreamRecord, 'settings' | 'timeouts'>;

const JSON_ACCEPT = { accept: 'application/json' };

function githubUrl(upstream: Endpoints): string {
  return upstream.settings?.auth?.githubUrl ?? GITHUB_URL;
}

function clientId(upstream: Endpoints): string {
  return upstream.settings?.auth?.clientId ?? COPILOT_CLIENT_ID;
}

export async function requestDeviceCode(http: HttpClient, upstream: Endpoints, signal: AbortSignal): Promise<DeviceCode> {
  const answer = recordOf(
    await requestJson(
      http,
      { headers: {}, timeouts: upstream.timeouts },
      { url: joinUrl(githubUrl(upstream), '/login/device/code'), headers: JSON_ACCEPT, form: { client_id: clientId(upstream), scope: COPILOT_SCOPE } },
      signal,
    ),
  );
  const { device_code, user_code, verification_uri } = answer;
  if (typeof device_code !== 'string' || typeof user_code !== 'string' || typeof verification_uri !== 'string')
    throw new Error(`device flow: unexpected answer from GitHub: ${JSON.stringify(answer).slice(0, 200)}`);
  return {
    deviceCode: device_code,
    userCode: user_code,
    verificationUri: verification_uri,
    expiresIn: typeof answer.expires_in === 'number' ? answer.expires_in : 900,
    interval: typeof answer.interval === 'number' ? answer.interval : 5,
  };
}

/** One poll. GitHub answers 200 with an `error` field while the user has not approved. */
export async function pollDeviceCode(http: HttpClient, upstream: Endpoints, deviceCode: string, signal: AbortSignal): Promise<DevicePoll> {
  const answer = recordOf(
    await requestJson(
      http,
      { headers: {}, timeouts: upstream.timeouts },
      {
        url: joinUrl(githubUrl(upstream), '/login/oauth/access_token'),
        headers: JSON_ACCEPT,
        form: { client_id: clientId(upstream), device_code: deviceCode, grant_type: 'urn:ietf:params:oauth:grant-type:device_code' },
      },
      signal,
    ),
  );
  if (typeof answer.access_token === 'string' && answer.access_token !== '') return { kind: 'done', token: answer.access_token };
  const interval = typeof answer.interval === 'number' ? answer.interval : undefined;
  switch (answer.error) {
    case 'authorization_pending':
      return { kind: 'pending', interval, slowDown: false };
    case 'slow_down':
      return { kind: 'pending', interval, slowDown: true };
    case 'expired_token':
      return { kind: 'expired' };
    case 'access_denied':
      return { kind: 'denied' };
    default:
      throw new Error(`device flow: GitHub answered ${String(answer.error ?? 'without a token')}: ${String(answer.error_description ?? '')}`);
  }
}

/** The wait before the next poll: GitHub's `interval`, or the last one plus 5 s after `slow_down`. */
export function nextInterval(current: number, poll: Extract<DevicePoll, { kind: 'pending' }>): number {
  if (poll.interval !== undefined) return poll.interval;
  return poll.slowDown ? current + 5 : current;
}

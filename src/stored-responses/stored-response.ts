import type { KeyResponses } from '../config/schema.js';
import { MissingSecretError, type SecretBox } from '../policy/secrets.js';
import type { StoredResponseRecord } from '../store/types.js';

export type Json = Record<string, unknown>;

/**
 * One stored Responses answer, open: the Response object as the client got
 * it and the input items that made it (with any `previous_response_id`
 * history already expanded), so the next turn needs one read.
 */
export interface StoredResponse {
  id: string;
  keyId: string;
  model: string;
  createdAt: number;
  expiresAt: number;
  response: Json;
  input: Json[];
}

/**
 * A key's `responses` setting, refused when it turns storing on and the
 * gateway has no secret: stored answers are sealed with it. `what` names
 * the command that asked, when not the admin API.
 */
export function requireSecretForStoring<T extends KeyResponses | null>(choice: T, canSeal: boolean, what?: string): T {
  if (choice?.store && !canSeal) throw new MissingSecretError(`${what ? `${what}: ` : ''}stored responses cannot be enabled`);
  return choice;
}

/** What is sealed: everything a client could read back. */
interface SealedContent {
  response: Json;
  input: Json[];
}

/** Encrypts the content with the gateway secret (AES-256-GCM, as credentials are: policy/secrets.ts). */
export async function sealResponse(box: SecretBox, stored: StoredResponse): Promise<StoredResponseRecord> {
  const content: SealedContent = { response: stored.response, input: stored.input };
  return {
    id: stored.id,
    keyId: stored.keyId,
    model: stored.model,
    createdAt: stored.createdAt,
    expiresAt: stored.expiresAt,
    sealed: await box.encrypt(JSON.stringify(content)),
  };
}

export async function openResponse(box: SecretBox, record: StoredResponseRecord): Promise<StoredResponse> {
  const content = JSON.parse(await box.decrypt(record.sealed)) as SealedContent;
  return {
    id: record.id,
    keyId: record.keyId,
    model: record.model,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    response: content.response,
    input: content.input,
  };
}

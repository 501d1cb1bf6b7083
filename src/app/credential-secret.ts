import type { Catalog } from '../routing/catalog.js';
import type { Store } from '../store/store.js';
import type { SecretBox } from '../policy/secrets.js';
import { maskSecret } from '../policy/secrets.js';

/**
 * Replaces a credential's secret (sealed, stored, catalog reloaded), keeping
 * its id, label, weight and state. Found by id, or else by its current secret.
 * Providers whose tokens rotate (Codex) call it through `ProviderDeps.saveCredentialSecret`.
 */
export async function saveCredentialSecret(
  store: Store,
  box: SecretBox,
  catalog: Catalog,
  change: { upstreamId: string; credentialId?: string; previous: string; next: string },
): Promise<void> {
  const live = catalog.current().upstreams.get(change.upstreamId);
  const id = change.credentialId ?? live?.credentials.find((c) => c.secret === change.previous)?.id;
  const stored = (await store.upstreams.list()).find((u) => u.id === change.upstreamId)?.credentials.find((c) => c.id === id);
  if (!stored) throw new Error(`no credential ${id ?? '(unknown id)'} in upstream ${change.upstreamId}`);
  // Codex secrets are JSON: the hint shows the end of the access token, as when it was signed in.
  const hint = maskSecret(accessTokenOf(change.next) ?? change.next);
  await store.upstreams.putCredential({ ...stored, secretEnc: await box.encrypt(change.next), hint });
  await catalog.reload();
}

/** A credential's secret as stored now (another replica may have rotated it); undefined when it is gone. */
export async function readCredentialSecret(store: Store, box: SecretBox, upstreamId: string, credentialId: string): Promise<string | undefined> {
  const stored = (await store.upstreams.list()).find((u) => u.id === upstreamId)?.credentials.find((c) => c.id === credentialId);
  return stored ? box.decrypt(stored.secretEnc) : undefined;
}

function accessTokenOf(secret: string): string | undefined {
  try {
    const token = (JSON.parse(secret) as { access_token?: unknown }).access_token;
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

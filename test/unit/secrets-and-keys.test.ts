import { describe, expect, it } from 'vitest';
import { createSecretBox, maskSecret } from '../../src/policy/secrets.js';
import { generateClientKey, hashClientKey, KEY_PREFIX } from '../../src/policy/keys.js';

describe('client keys', () => {
  it('carry the prefix and 32 random bytes, and hash to stable SHA-256 hex', async () => {
    const a = generateClientKey();
    const b = generateClientKey();
    expect(a.startsWith(KEY_PREFIX)).toBe(true);
    expect(a.length - KEY_PREFIX.length).toBe(43); // 32 bytes in unpadded base64url
    expect(a).not.toBe(b);
    expect(await hashClientKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('secret box', () => {
  it('round-trips, never stores the plaintext, and refuses another secret', async () => {
    const box = await createSecretBox('one-secret-0123456789');
    const sealed = await box.encrypt('sk-live-very-secret');
    expect(sealed).not.toContain('sk-live');
    expect(await box.encrypt('sk-live-very-secret')).not.toBe(sealed); // fresh IV each time
    expect(await box.decrypt(sealed)).toBe('sk-live-very-secret');
    const other = await createSecretBox('another-secret-0123456789');
    await expect(other.decrypt(sealed)).rejects.toThrow(/secret differs/);
    expect(maskSecret('sk-live-very-secret')).toBe('sk-…cret');
    expect(maskSecret('sk-short-key')).toBe('…ey');
    expect(maskSecret('12345678')).toBe('…');
  });
});

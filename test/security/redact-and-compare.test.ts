import { describe, expect, it } from 'vitest';
import { patternProblems } from '../../src/config/redact-patterns.js';
import { createRedactor } from '../../src/policy/redact.js';
import { requestParameters } from '../../src/policy/body-log.js';
import { constantTimeEqual, sameBytes } from '../../src/admin/auth.js';
import { createSecretBox } from '../../src/policy/secrets.js';

describe('redaction', () => {
  const redact = createRedactor({ emails: false, patterns: [] });
  const secrets = {
    openai: 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789',
    anthropic: 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789-_AA',
    google: 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW',
    github: 'ghp_0123456789abcdefghijABCDEFGHIJ012345',
    githubOauth: 'gho_0123456789abcdefghijABCDEFGHIJ012345',
    aws: 'AKIAIOSFODNN7EXAMPLE',
    jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    pem: '-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA1234\\nabcd==\\n-----END RSA PRIVATE KEY-----',
  };

  it('removes every always-redacted shape and keeps the text around it', () => {
    for (const [name, secret] of Object.entries(secrets)) {
      const out = redact(`{"content":"my key is ${secret} ok"}`);
      expect(out, name).not.toContain(secret);
      expect(out, name).toMatch(/^\{"content":"my key is \[REDACTED:[a-z-]+\] ok"\}$/);
    }
    const bearer = redact('Authorization: Bearer abc.def-ghi_jkl~123');
    expect(bearer).toBe('Authorization: Bearer [REDACTED:bearer]');
    const labelled = redact('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(labelled).toBe('aws_secret_access_key = [REDACTED:aws-secret]');
  });

  it('finds keys that begin a line or a tab stop of a JSON body, and after an underscore', () => {
    for (const [name, secret] of Object.entries(secrets)) {
      if (name === 'pem') continue;
      for (const escape of ['\\n', '\\t', '\\r']) {
        const out = redact(JSON.stringify({ content: `line one${JSON.parse(`"${escape}"`)}${secret}` }));
        expect(out, `${name} after ${escape}`).not.toContain(secret);
      }
    }
    expect(redact('token=tok_sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123456789')).toBe('token=tok_[REDACTED:api-key]');
    // A key-like tail inside an ordinary word is left alone.
    expect(redact('the task-AbCdEfGhIjKlMnOpQrStUvWx list')).toBe('the task-AbCdEfGhIjKlMnOpQrStUvWx list');
  });

  it('leaves ordinary text and short look-alikes alone', () => {
    const text = 'ask-me about sk-short, AIza, my email a@example.com and eyJ';
    expect(redact(text)).toBe(text);
  });

  it('redacts e-mails and custom patterns only when asked, keeping a first capture group', () => {
    const custom = createRedactor({ emails: true, patterns: ['(customer_id=)\\d+', 'INTERNAL-[A-Z]{4}'] });
    expect(custom('mail bob.smith+x@mail.example.co.uk, customer_id=12345, ref INTERNAL-ABCD')).toBe(
      'mail [REDACTED:email], customer_id=[REDACTED:pattern-1], ref [REDACTED:pattern-2]',
    );
  });

  it('names custom patterns that cannot be used', () => {
    expect(patternProblems(['ok\\d+', '(', 'a*'])).toEqual([
      { index: 1, message: expect.stringMatching(/not a valid regular expression/) },
      { index: 2, message: expect.stringMatching(/empty string/) },
    ]);
  });
});

describe('metadata body logging', () => {
  it('keeps parameters and drops message contents', () => {
    const params = requestParameters(
      JSON.stringify({
        model: 'gpt-4o',
        stream: true,
        temperature: 0.2,
        messages: [{ role: 'user', content: 'secret plans' }],
        tools: [{ type: 'function', function: { name: 'x' } }],
        stop: ['END'],
        stream_options: { include_usage: true },
        user: 'alice@example.com',
        generationConfig: { maxOutputTokens: 5, responseSchema: { type: 'object' } },
      }),
    );
    expect(params).toEqual({
      model: 'gpt-4o',
      stream: true,
      temperature: 0.2,
      messages: { items: 1 },
      tools: { items: 1 },
      stop: ['END'],
      stream_options: { include_usage: true },
      user: { chars: 17 },
      generationConfig: { maxOutputTokens: 5, responseSchema: { type: 'object' } },
    });
    expect(JSON.stringify(params)).not.toContain('secret plans');
    expect(requestParameters('not json')).toBeNull();
  });
});

describe('constant-time comparison', () => {
  it('is equality, for equal and unequal strings of any lengths', async () => {
    expect(await constantTimeEqual('sb-admin-abc', 'sb-admin-abc')).toBe(true);
    expect(await constantTimeEqual('sb-admin-abc', 'sb-admin-abd')).toBe(false);
    expect(await constantTimeEqual('sb-admin-abc', 'sb-admin-ab')).toBe(false);
    expect(await constantTimeEqual('', '')).toBe(true);
    expect(await constantTimeEqual('', 'x')).toBe(false);
    expect(sameBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(sameBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(sameBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
    expect(sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(sameBytes(new Uint8Array([]), new Uint8Array([]))).toBe(true);
  });
});

describe('secret box key derivation', () => {
  it('seals as v2 with a fresh IV, and still opens values sealed the old way (SHA-256 key, v1)', async () => {
    const secret = 'derivation-test-secret-123';
    const box = await createSecretBox(secret);
    const a = await box.encrypt('sk-plain');
    expect(a).toMatch(/^v2\.[\w-]{16}\.[\w-]+$/);
    expect(a.split('.')[1]).not.toBe((await box.encrypt('sk-plain')).split('.')[1]);
    // A v1 value made as the previous version did: AES-GCM keyed by SHA-256(secret).
    const raw = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
    const key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode('sk-legacy')));
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
    expect(await box.decrypt(`v1.${b64(iv)}.${b64(data)}`)).toBe('sk-legacy');
    // The v2 key is not the bare digest any more.
    const v2 = a.split('.');
    await expect(
      crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: Buffer.from(v2[1], 'base64url') },
        await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']),
        Buffer.from(v2[2], 'base64url'),
      ),
    ).rejects.toThrow();
  });
});

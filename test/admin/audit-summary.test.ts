import { describe, expect, it } from 'vitest';
import { bodyForSummary, MASK, MAX_SUMMARY_CHARS, mask, summarize } from '../../src/admin/audit-summary.js';

describe('audit summaries', () => {
  it('masks secrets by their field name, wherever they are', () => {
    expect(
      mask(
        {
          key: 'anything',
          apiKey: 'x',
          password: 'p',
          newPassword: 'p2',
          current: 'old-password',
          tokens: { access_token: 'a', refresh_token: 'r' },
          headers: { Authorization: 'Basic abc', 'x-api-key': 'k', accept: 'json' },
          code: 'abc#state',
          callback: 'http://localhost:1455/auth/callback?x=1',
          label: 'main',
          keyId: 'key_1',
          maxKeys: 3,
          emptyToken: '',
        },
        '',
      ),
    ).toEqual({
      key: MASK,
      apiKey: MASK,
      password: MASK,
      newPassword: MASK,
      current: MASK,
      tokens: MASK,
      headers: { Authorization: MASK, 'x-api-key': MASK, accept: 'json' },
      code: MASK,
      callback: MASK,
      label: 'main',
      keyId: 'key_1',
      maxKeys: 3,
      emptyToken: '',
    });
  });

  it('masks values that look like secrets, whatever their field', () => {
    const values = [
      'sk-proj-abc',
      'sk-sb-abcdefgh',
      'sb-admin-0000',
      'ghu_abcdef',
      'eyJhbGciOi.eyJzdWIi.sig',
      'Bearer abc',
      'https://example.com/cb?code=abc&state=1',
      'Zm9vYmFyQmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo',
      'my key is sk-ant-123 ok',
    ];
    expect(mask({ note: values }, '')).toEqual({ note: values.map(() => MASK) });
    expect(mask('see postgres://u:pw@h/db and more', '')).toBe('see postgres://***@h/db and more');
    expect(mask(['https://user:pw@db.example.com:5432/x', 'openai', 'claude-3-5-sonnet-20241022', '${SB_CREDENTIAL_OPENAI_0}', 'cred_0123456789abcdef'], '')).toEqual([
      'https://***@db.example.com:5432/x',
      'openai',
      'claude-3-5-sonnet-20241022',
      '${SB_CREDENTIAL_OPENAI_0}',
      'cred_0123456789abcdef',
    ]);
  });

  it('keeps a summary within its size: long strings and lists cut, then an outline, then its length', () => {
    const long = JSON.parse(summarize({ body: { text: 'a'.repeat(1000), list: Array.from({ length: 50 }, (_, i) => i) } })!);
    expect(long.body.text).toHaveLength(201);
    expect(long.body.list).toHaveLength(21);
    expect(long.body.list[20]).toBe('… 30 more');

    const wide = { models: Array.from({ length: 20 }, (_, i) => ({ id: `model-${i}`, routes: Array.from({ length: 20 }, (_, j) => ({ upstream: `up-${j}`, model: 'm'.repeat(150) })) })) };
    const outline = summarize({ body: wide })!;
    expect(outline.length).toBeLessThanOrEqual(MAX_SUMMARY_CHARS);
    expect(JSON.parse(outline).body.models[0]).toEqual({ id: 'model-0', routes: '[20 items]' });

    const huge = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`field-${i}`, 'v'.repeat(50)]));
    expect(JSON.parse(summarize({ body: huge })!)).toEqual({ truncated: true, chars: expect.any(Number) });
    expect(summarize({})).toBeNull();
    expect(summarize({ query: {} })).toBeNull();
  });

  it('reads JSON and YAML bodies, and only the size of anything else', () => {
    expect(bodyForSummary('{"a":1}', 'application/json')).toEqual({ a: 1 });
    expect(bodyForSummary('a: 1\nb: [x]\n', 'application/yaml')).toEqual({ a: 1, b: ['x'] });
    expect(mask(bodyForSummary('note: with a secret sk-secret-1 inside', 'text/plain'), '')).toEqual({ note: MASK });
    expect(bodyForSummary('<xml>not yaml: at all</xml>\n  - x', 'text/xml')).toEqual({ bytes: 33, contentType: 'text/xml' });
    expect(bodyForSummary('plain words', undefined)).toEqual({ bytes: 11, contentType: null });
    expect(bodyForSummary('', 'application/json')).toBeUndefined();
  });
});

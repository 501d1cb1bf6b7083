import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/admin/openapi.js';
import { openApiDocument } from '../../src/admin/openapi.js';
import { accessRuleFor, ADMIN_BASE } from '../../src/admin/access.js';

/** The guard reads the same `access` field the document shows: every row resolves to its own rule. */
describe('the access rules of the admin API', () => {
  it('resolves every row of the route table to its own access, literal segments before parameters', () => {
    for (const op of OPERATIONS) {
      const path = op.path.replace(/\{(\w+)\}/g, 'some%2Fid');
      expect(accessRuleFor(op.method.toUpperCase(), `${ADMIN_BASE}${path}`), `${op.method} ${op.path}`).toBe(op.access);
    }
    expect(accessRuleFor('GET', `${ADMIN_BASE}/logs/export`)).toBe(OPERATIONS.find((op) => op.path === '/logs/export')!.access);
    expect(accessRuleFor('HEAD', `${ADMIN_BASE}/keys`)).toBe('member');
  });

  it('has no rule for a route outside the table (the guard then treats it as admin-only)', () => {
    expect(accessRuleFor('GET', `${ADMIN_BASE}/no-such-route`)).toBeUndefined();
    expect(accessRuleFor('GET', `${ADMIN_BASE}/keys/`)).toBeUndefined();
    expect(accessRuleFor('PUT', `${ADMIN_BASE}/keys`)).toBeUndefined();
  });

  it('shows each operation\'s access in the document', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { 'x-switchboard-access'?: string; description?: string }>> };
    for (const op of OPERATIONS) {
      const documented = doc.paths[op.path][op.method];
      expect(documented['x-switchboard-access'], `${op.method} ${op.path}`).toBe(op.access);
      expect(documented.description).toMatch(new RegExp(`^Access: ${op.access}`));
    }
  });
});

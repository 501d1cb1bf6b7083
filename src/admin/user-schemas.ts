import { z } from 'zod';
import { keyBudgetSchema, keyLimitsSchema } from '../config/schema.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../policy/passwords.js';
import { createKeyBody, keyView } from './schemas.js';

/** Users, sessions and key requests as the admin API takes and shows them (docs/users.md). */

export const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const userName = z
  .string()
  .min(1, 'must not be empty')
  .max(64)
  .regex(/^[\w.@+-]+$/, 'letters, digits and . _ @ + - only');

export const capsSchema = z
  .strictObject({
    models: z.array(z.string().min(1)).nullable().default(null).describe("public model ids the member's keys may list; null: any"),
    upstreams: z
      .array(z.string().min(1))
      .nullable()
      .default(null)
      .describe("upstream ids: the member's keys may list only models whose every route goes to one of these; null: any"),
    group: z.string().min(1).nullable().default(null).describe("the group the member's keys are counted under; null: any group"),
    rpm: z.number().int().positive().nullable().default(null).describe('most requests per minute a key of theirs may have'),
    tpm: z.number().int().positive().nullable().default(null).describe('most tokens per minute a key of theirs may have'),
    budget: keyBudgetSchema.nullable().default(null).describe('most budget a key of theirs may have, in this period'),
    maxKeys: z.number().int().min(0).nullable().default(null).describe('most keys (not revoked) they may hold at once'),
  })
  .describe("What a member's own keys may have; null: no cap of that kind. Admins are not capped.");

export const NO_CAPS = capsSchema.parse({});

export const createUserBody = z.strictObject({
  name: userName,
  password,
  role: z.enum(['admin', 'member']).default('member'),
  caps: capsSchema.optional(),
  disabled: z.boolean().default(false),
});

export const patchUserBody = z.strictObject({
  role: z.enum(['admin', 'member']).optional(),
  caps: capsSchema.optional().describe('replaces the caps whole'),
  disabled: z.boolean().optional().describe('true ends every session of the user and refuses their sign-in'),
});

export const setPasswordBody = z.strictObject({ password });

export const changeOwnPasswordBody = z.strictObject({ current: z.string().max(MAX_PASSWORD_LENGTH), password });

export const signInBody = z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });

export const userView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'member']),
  disabled: z.boolean(),
  caps: capsSchema,
  createdAt: z.number().int().describe('epoch ms'),
  updatedAt: z.number().int().describe('epoch ms'),
});

export const sessionView = z.object({
  principal: z.union([
    z.object({ kind: z.literal('admin-key') }),
    z.object({ kind: z.literal('user'), userId: z.string(), name: z.string(), role: z.enum(['admin', 'member']) }),
  ]),
  role: z.enum(['admin', 'member']),
  user: userView.nullable().describe('null for the admin key'),
  caps: capsSchema.nullable().describe("what the caller's own keys may have; null: not capped (admins)"),
  models: z.array(z.string()).describe('public model ids the caller may give a key, within the caps'),
  csrfToken: z.string().nullable().describe('send as X-CSRF-Token with every write signed in by the session cookie; null for the admin key'),
  expiresAt: z.number().int().nullable().describe('when the session ends (epoch ms; a fixed lifetime, not extended by use)'),
});

/** POST /key-requests: the key a member wants, and why. */
export const createKeyRequestBody = z.strictObject({
  name: createKeyBody.shape.name,
  group: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).optional(),
  limits: keyLimitsSchema.optional(),
  budget: keyBudgetSchema.optional(),
  reason: z.string().min(1, 'say why the key is needed').max(2000),
});

export const decideKeyRequestBody = z.strictObject({ note: z.string().max(2000).optional().describe('shown to the member') });

export const keyRequestsQuery = z.object({
  state: z.enum(['pending', 'approved', 'rejected']).optional(),
});

export const keyRequestView = z.object({
  id: z.string(),
  userId: z.string(),
  userName: z.string().nullable().describe('null when the user was deleted since'),
  spec: createKeyRequestBody.omit({ reason: true }),
  reason: z.string(),
  state: z.enum(['pending', 'approved', 'rejected']),
  note: z.string().nullable(),
  decidedBy: z.string().nullable().describe('`admin-key` or `user:<name>`'),
  decidedAt: z.number().int().nullable(),
  keyId: z.string().nullable().describe('the key made on approval'),
  claimed: z.boolean().describe("whether the member fetched the key's secret (it is shown once)"),
  createdAt: z.number().int(),
});

export const claimedKeyView = keyView.extend({ key: z.string().describe('the plaintext key; shown only in this response') });

export type UserView = z.infer<typeof userView>;
export type KeyRequestView = z.infer<typeof keyRequestView>;

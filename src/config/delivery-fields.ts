import { z } from 'zod';

/**
 * Fields the alert and log-export sections share: ids, endpoint URLs and
 * the retry settings of a delivery (delivery/deliver.ts). Kept apart from
 * schema.ts, which imports both sections.
 */
export const recordId = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'may hold only letters, digits and . _ : @ -');

export const endpointUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'must be an http(s) URL');

export const deliveryRetrySchema = z.strictObject({
  tries: z.number().int().min(1).max(10).default(4).describe('Tries per delivery in all (1: none again), while the endpoint answers nothing, 408, 429 or a 5xx.'),
  backoffMs: z.number().int().min(1).max(60_000).default(500).describe('The wait before the second try, doubled before each later one (a `Retry-After` is honoured up to 10 s).'),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('How long one try may wait for an answer.'),
});

export type DeliveryRetry = z.infer<typeof deliveryRetrySchema>;

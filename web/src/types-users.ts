import type { z } from 'zod';
import type { capsSchema, claimedKeyView, keyRequestView, sessionView, userView } from '../../src/admin/user-schemas.js';

/** Users, sessions and key requests as the admin API answers them (docs/users.md). */

export type Caps = z.output<typeof capsSchema>;
export type User = z.output<typeof userView>;
export type Role = User['role'];
export type Session = z.output<typeof sessionView>;
export type KeyRequest = z.output<typeof keyRequestView>;
export type ClaimedKey = z.output<typeof claimedKeyView>;

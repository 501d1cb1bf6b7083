import { Hono } from 'hono';
import type { AdminDeps } from './deps.js';
import { conflict, notFound, readBody } from './errors.js';
import { hashPassword } from '../policy/passwords.js';
import { newId } from '../policy/keys.js';
import type { UserRecord } from '../store/types.js';
import { createUserBody, NO_CAPS, patchUserBody, setPasswordBody, type UserView } from './user-schemas.js';

/**
 * /users: admins manage who may sign in (docs/users.md). Disabling a user,
 * resetting their password or deleting them ends every session of theirs at
 * once (sessions live in the database, shared by the replicas). Deleting a
 * user also revokes their keys: a key nobody owns would be nobody's to see.
 */
export function userRoutes(ctx: AdminDeps): Hono {
  const app = new Hono();

  app.get('/', async (c) => c.json({ data: (await ctx.store.users.list()).map(userView) }));

  app.post('/', async (c) => {
    const body = await readBody(c, createUserBody);
    const user = await createUser(ctx, body);
    return c.json(userView(user), 201);
  });

  app.get('/:id', async (c) => c.json(userView(await findUser(ctx, c.req.param('id')))));

  app.patch('/:id', async (c) => {
    const user = await findUser(ctx, c.req.param('id'));
    const patch = await readBody(c, patchUserBody);
    const next: UserRecord = {
      ...user,
      role: patch.role ?? user.role,
      caps: patch.caps ?? user.caps,
      disabled: patch.disabled ?? user.disabled,
      updatedAt: ctx.now(),
    };
    await ctx.store.users.put(next);
    if (next.disabled && !user.disabled) await ctx.store.sessions.deleteForUser(user.id);
    return c.json(userView(next));
  });

  app.put('/:id/password', async (c) => {
    const user = await findUser(ctx, c.req.param('id'));
    const body = await readBody(c, setPasswordBody);
    await ctx.store.users.put({ ...user, passwordHash: await hashPassword(body.password), updatedAt: ctx.now() });
    await ctx.store.sessions.deleteForUser(user.id);
    return c.json(userView(user));
  });

  app.delete('/:id', async (c) => {
    const user = await findUser(ctx, c.req.param('id'));
    await ctx.store.sessions.deleteForUser(user.id);
    const owned = (await ctx.store.keys.list()).filter((k) => k.ownerId === user.id && k.revokedAt === null);
    for (const key of owned) await ctx.store.keys.revoke(key.id, ctx.now());
    await ctx.store.users.delete(user.id);
    if (owned.length > 0) await ctx.catalog.reload();
    return c.json({ id: user.id, deleted: true });
  });

  return app;
}

/** Makes a user (the admin API and the `switchboard users` command); 409 when the name is taken. */
export async function createUser(
  ctx: Pick<AdminDeps, 'store' | 'now'>,
  body: { name: string; password: string; role: 'admin' | 'member'; caps?: UserRecord['caps']; disabled?: boolean },
): Promise<UserRecord> {
  if (await ctx.store.users.byName(body.name)) throw conflict(`a user named ${body.name} already exists`, 'name');
  const now = ctx.now();
  const user: UserRecord = {
    id: newId('user'),
    name: body.name,
    role: body.role,
    passwordHash: await hashPassword(body.password),
    disabled: body.disabled ?? false,
    caps: body.caps ?? NO_CAPS,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await ctx.store.users.put(user);
  } catch (err) {
    if (/unique/i.test(String(err))) throw conflict(`a user named ${body.name} already exists`, 'name');
    throw err;
  }
  return user;
}

/** Everything but the password hash. */
export function userView(u: UserRecord): UserView {
  return { id: u.id, name: u.name, role: u.role, disabled: u.disabled, caps: u.caps, createdAt: u.createdAt, updatedAt: u.updatedAt };
}

async function findUser(ctx: AdminDeps, id: string): Promise<UserRecord> {
  const user = await ctx.store.users.get(id);
  if (!user) throw notFound('user', id, 'id');
  return user;
}

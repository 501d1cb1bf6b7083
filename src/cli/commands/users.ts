import { createInterface } from 'node:readline/promises';
import type { Store } from '../../store/store.js';
import { newId } from '../../policy/keys.js';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../policy/passwords.js';
import { table } from '../table.js';

export const USERS_HELP = `switchboard users <create|list|password> [--config PATH]

  users create --name NAME [--role admin|member]
      Creates a user who signs in to the dashboard with a name and password
      (the first admin user, typically; the admin key stays the break-glass way in).
      The password is read from SWITCHBOARD_USER_PASSWORD, else from the
      first line of standard input (it is echoed when typed: pipe it in).
  users list
      Lists users (name, role, disabled, created).
  users password --name NAME
      Sets a user's password (read as for create); their sessions end.`;

const ROLES = ['admin', 'member'] as const;

export async function usersCommand(
  store: Store,
  action: string | undefined,
  options: { name?: string; role?: string },
  env: NodeJS.ProcessEnv,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<void> {
  switch (action) {
    case 'create': {
      if (!options.name) throw new Error('users create: --name is required');
      const role = (options.role ?? 'admin') as (typeof ROLES)[number];
      if (!ROLES.includes(role)) throw new Error(`users create: --role must be admin or member, not "${options.role}"`);
      if (await store.users.byName(options.name)) throw new Error(`users create: a user named "${options.name}" exists`);
      const password = await readPassword(env, input);
      const now = Date.now();
      await store.users.put({
        id: newId('user'),
        name: options.name,
        role,
        passwordHash: await hashPassword(password),
        disabled: false,
        caps: { models: null, upstreams: null, group: null, rpm: null, tpm: null, budget: null, maxKeys: null },
        createdAt: now,
        updatedAt: now,
      });
      console.log(`Created ${role} user "${options.name}": sign in to the dashboard with this name and the password.`);
      return;
    }
    case 'list': {
      const users = await store.users.list();
      console.log(
        table(
          ['id', 'name', 'role', 'disabled', 'created'],
          users.map((u) => [u.id, u.name, u.role, u.disabled ? 'yes' : '', new Date(u.createdAt).toISOString().slice(0, 16).replace('T', ' ')]),
        ),
      );
      return;
    }
    case 'password': {
      if (!options.name) throw new Error('users password: --name is required');
      const user = await store.users.byName(options.name);
      if (!user) throw new Error(`users password: no user named "${options.name}"`);
      const password = await readPassword(env, input);
      await store.users.put({ ...user, passwordHash: await hashPassword(password), updatedAt: Date.now() });
      await store.sessions.deleteForUser(user.id);
      console.log(`Set the password of "${options.name}"; their sessions ended.`);
      return;
    }
    default:
      throw new Error(`users: expected create, list or password\n\n${USERS_HELP}`);
  }
}

async function readPassword(env: NodeJS.ProcessEnv, input: NodeJS.ReadableStream): Promise<string> {
  let password = env.SWITCHBOARD_USER_PASSWORD;
  if (password === undefined) {
    const lines = createInterface({ input, terminal: false });
    try {
      for await (const line of lines) {
        password = line;
        break;
      }
    } finally {
      lines.close();
    }
  }
  if (!password || password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH)
    throw new Error(`users: the password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters (SWITCHBOARD_USER_PASSWORD or standard input)`);
  return password;
}

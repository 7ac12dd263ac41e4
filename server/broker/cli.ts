// `npm run broker-admin -- <command>`: manage the broker's users in its SQLite store.
// Passwords are read from stdin, never from the command line (it shows in `ps` and shell history).
import { Command } from 'commander';
import { hashPassword } from './passwords.js';
import { SqliteUserStore } from './sqlite-store.js';
import { UserExistsError, type UserStore } from './store.js';
import { usernameSchema } from './usernames.js';

const DEFAULT_DB = process.env['HOIST_BROKER_DB'] ?? 'broker.db';

async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    // Typed at a terminal: one line. (Pipe it in to keep it off the screen: `… add-user NAME < file`.)
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const line = await rl.question('Password (visible as you type; pipe it in to avoid that): ');
      if (!line) throw new Error('no password given');
      return line;
    } finally {
      rl.close();
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  // One line: a trailing newline from `echo` or a heredoc is not part of the password.
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!password) throw new Error('no password on stdin');
  return password;
}

async function withStore<T>(db: string, run: (store: UserStore) => Promise<T>): Promise<T> {
  const store = new SqliteUserStore(db);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

function fail(message: string): never {
  console.error(`broker-admin: ${message}`);
  process.exit(1);
}

const program = new Command('broker-admin')
  .description('Manage the users of the Hoist identity broker')
  .option('--db <path>', 'SQLite user store (env HOIST_BROKER_DB)', DEFAULT_DB);
const db = (): string => program.opts<{ db: string }>().db;

program
  .command('add-user <name>')
  .description('add a user; the password is read from stdin')
  .option('--password-stdin', 'read the password from stdin (the default)')
  .action(async (name: string) => {
    const username = usernameSchema.safeParse(name);
    if (!username.success) fail(`invalid username: ${username.error.issues[0]?.message ?? ''}`);
    const password = await readPasswordFromStdin();
    const hash = await hashPassword(password);
    await withStore(db(), async (store) => {
      try {
        await store.addUser(username.data, hash, new Date());
      } catch (error) {
        if (error instanceof UserExistsError) fail(error.message);
        throw error;
      }
    });
    console.log(`added ${username.data}`);
  });

program
  .command('list-users')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const users = await withStore(db(), (store) => store.listUsers());
    const rows = users.map((u) => ({
      username: u.username,
      id: u.id,
      disabled: u.disabled,
      createdAt: u.createdAt.toISOString(),
    }));
    if (options.json) console.log(JSON.stringify(rows));
    else
      for (const r of rows)
        console.log(`${r.username}\t${r.id}\t${r.disabled ? 'disabled' : 'enabled'}\t${r.createdAt}`);
  });

for (const [command, disabled] of [
  ['disable-user', true],
  ['enable-user', false],
] as const) {
  program.command(`${command} <name>`).action(async (name: string) => {
    await withStore(db(), async (store) => {
      if (!(await store.setDisabled(name, disabled))) fail(`no user named ${name}`);
      // A disabled user's sessions end now, not when their refresh token would have expired.
      const user = await store.findUserByName(name);
      if (disabled && user) await store.revokeUserSessions(user.id, new Date());
    });
    console.log(`${disabled ? 'disabled' : 'enabled'} ${name}`);
  });
}

program.command('remove-user <name>').action(async (name: string) => {
  await withStore(db(), async (store) => {
    if (!(await store.removeUser(name))) fail(`no user named ${name}`);
  });
  console.log(`removed ${name}`);
});

program
  .command('set-password <name>')
  .description(
    "replace a user's password (read from stdin, or typed at a terminal; never an argument) and end their sessions",
  )
  .action(async (name: string) => {
    await withStore(db(), async (store) => {
      if (!(await store.findUserByName(name))) fail(`no user named ${name}`);
    });
    const hash = await hashPassword(await readPasswordFromStdin());
    const count = await withStore(db(), async (store) => {
      const user = await store.findUserByName(name);
      if (!user || !(await store.setPasswordHash(name, hash))) fail(`no user named ${name}`);
      // Whoever knew the old password may hold a session started with it.
      return store.revokeUserSessions(user.id, new Date());
    });
    console.log(`set the password of ${name} and revoked ${count} session(s)`);
  });

program.command('revoke-sessions <name>').action(async (name: string) => {
  const count = await withStore(db(), async (store) => {
    const user = await store.findUserByName(name);
    if (!user) fail(`no user named ${name}`);
    return store.revokeUserSessions(user.id, new Date());
  });
  console.log(`revoked ${count} session(s) of ${name}`);
});

await program
  .parseAsync(process.argv)
  .catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

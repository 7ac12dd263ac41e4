// `hoist sign-in` / `hoist sign-out`: the session kept in the OS keychain, shared with the app.
import { createInterface } from 'node:readline/promises';
import { openContext, type GlobalOptions } from '../context.js';
import { printable } from '../format.js';

export async function signInCommand(options: { username?: string }, global: GlobalOptions): Promise<number> {
  const username = options.username ?? process.env.HOIST_USERNAME ?? (await prompt('Username: '));
  // Said here: the broker would only answer "HTTP 400".
  if (!username.trim()) throw new Error('A user name is required: give it with --username NAME or HOIST_USERNAME.');
  const password = process.env.HOIST_PASSWORD ?? (await prompt('Password: ', { hidden: true }));
  if (!password) throw new Error('A password is required: type it when asked, or set HOIST_PASSWORD.');
  const context = await openContext(global, { signInFromEnv: false });
  try {
    const session = await context.engine['session.signIn']({ username, password });
    const notice = session.keychain === 'memory' && session.notice ? ` ${printable(session.notice)}` : '';
    process.stderr.write(`Signed in as ${printable(session.username ?? username)}.${notice}\n`);
    return 0;
  } finally {
    await context.close();
  }
}

export async function signOutCommand(global: GlobalOptions): Promise<number> {
  const context = await openContext(global, { signInFromEnv: false });
  try {
    await context.engine['session.signOut']({});
    process.stderr.write('Signed out.\n');
    return 0;
  } finally {
    await context.close();
  }
}

async function prompt(question: string, { hidden = false } = {}): Promise<string> {
  if (!process.stdin.isTTY) {
    // Piped input: the first line is the answer (scripts: `echo "$PW" | hoist sign-in`).
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    throw new Error(`${question.replace(/:\s*$/, '')} is required.`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (hidden) {
    // Echo nothing while the password is typed.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(question);
    };
  }
  try {
    return await rl.question(question);
  } finally {
    if (hidden) process.stderr.write('\n');
    rl.close();
  }
}

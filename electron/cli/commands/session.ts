// `hoist sign-in` / `hoist sign-out`: the session kept in the OS keychain, shared with the app.
import { createInterface } from 'node:readline/promises';
import { openContext, type GlobalOptions } from '../context.js';

export async function signInCommand(options: { username?: string }, global: GlobalOptions): Promise<number> {
  const username = options.username ?? process.env.HOIST_USERNAME ?? (await prompt('Username: '));
  const password = process.env.HOIST_PASSWORD ?? (await prompt('Password: ', { hidden: true }));
  const context = await openContext(global, { signInFromEnv: false });
  try {
    const session = await context.engine['session.signIn']({ username, password });
    process.stderr.write(`Signed in as ${session.username}.${session.keychain === 'memory' ? ` ${session.notice ?? ''}` : ''}\n`);
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

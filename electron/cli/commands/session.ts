// `hoist sign-in` / `hoist sign-out`: the session kept in the OS keychain, shared with the app.
import { createInterface } from 'node:readline/promises';
import type { Session } from '../../common/contract.js';
import type { Host } from '../../host/index.js';
import { openContext, type GlobalOptions } from '../context.js';
import { printable } from '../format.js';
import { openInBrowser } from '../open-url.js';

/** `hoist sign-in --browser`: print the address (and open it where there is a desktop), wait, done. */
export async function browserSignInCommand(global: GlobalOptions): Promise<number> {
  const context = await openContext(global, { signInFromEnv: false, openUrl: openInBrowser });
  try {
    const outcome = outcomeOf(context);
    const started = await context.engine['session.signInWithBrowser']({});
    process.stderr.write(
      `${started.opened ? 'Your browser should open to sign in; if it does not, open' : 'To sign in, open'} this address in a browser on this computer:\n`,
    );
    process.stdout.write(`${started.url}\n`);
    return reportSignedIn(await outcome);
  } finally {
    await context.close();
  }
}

/** `hoist sign-in --device`: print where to confirm and the code, poll until confirmed. */
export async function deviceSignInCommand(global: GlobalOptions): Promise<number> {
  const context = await openContext(global, { signInFromEnv: false });
  try {
    const outcome = outcomeOf(context);
    const started = await context.engine['session.signInWithDevice']({});
    process.stderr.write(
      `To sign in, open this address on any device and enter the code ${printable(started.userCode)}:\n`,
    );
    process.stdout.write(`${started.verificationUri}\n`);
    if (started.verificationUriComplete) {
      process.stderr.write('or open this one, which carries the code:\n');
      process.stdout.write(`${started.verificationUriComplete}\n`);
    }
    process.stderr.write(
      `Waiting for the sign-in to be confirmed (the code is valid for ${Math.round(started.expiresIn / 60)} minutes)…\n`,
    );
    return reportSignedIn(await outcome);
  } finally {
    await context.close();
  }
}

/** The next session change that ends the sign-in: signed in, or the reason it did not finish. */
function outcomeOf(context: Host): Promise<Session> {
  return new Promise((resolve, reject) => {
    const stop = context.engine.events.on('session', (session) => {
      if (session.signInError) {
        stop();
        reject(new Error(session.signInError));
      } else if (session.state === 'signed-in') {
        stop();
        resolve(session);
      }
    });
  });
}

function reportSignedIn(session: Session): number {
  const notice = session.keychain === 'memory' && session.notice ? ` ${printable(session.notice)}` : '';
  process.stderr.write(`Signed in as ${printable(session.username ?? 'your organisation account')}.${notice}\n`);
  return 0;
}

export async function signInCommand(options: { username?: string }, global: GlobalOptions): Promise<number> {
  // Set but empty is a mistake in a script, not a request to be asked: said as such.
  if (options.username === undefined && process.env.HOIST_USERNAME === '') {
    throw new Error('HOIST_USERNAME is set but empty: set it to the user name, or give --username NAME.');
  }
  const username = options.username ?? process.env.HOIST_USERNAME ?? (await prompt('Username: '));
  // Said here: the broker would only answer "HTTP 400" (or, for control characters, "not correct").
  const problem = checkUsername(username);
  if (problem) throw new Error(problem);
  if (process.env.HOIST_PASSWORD === '')
    throw new Error('HOIST_PASSWORD is set but empty: set it to the password, or unset it to be asked for it.');
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

/** The sign-in service's limit on user names. */
const maxUsernameLength = 128;

function checkUsername(username: string): string | undefined {
  if (!username.trim()) return 'A user name is required: give it with --username NAME or HOIST_USERNAME.';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(username))
    return `The user name '${printable(username)}' contains control characters: type it without them.`;
  if (username.length > maxUsernameLength)
    return `The user name is ${username.length} characters long; it can be at most ${maxUsernameLength}.`;
  return undefined;
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

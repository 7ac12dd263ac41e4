// What the bad-input tables of `hoist upload` and `hoist sync` share: one local stack per file, a folder
// of its own for each case (so no two cases upload to the same key), the keys that landed, and the rows
// that need a child the kernel refuses mode-000 folders, skipped with the reason where no such child
// can be arranged (see test/support/unprivileged.ts).
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import { startTestStack, type TestStack } from '../../../support/stack.js';
import { unprivileged } from '../../../support/unprivileged.js';

// Root reads mode-000 folders: an unreadable folder needs a child the kernel refuses them.
export const refusedChild = unprivileged();

/** One case's own folder and names. */
export interface CaseContext {
  /** The case's folder (the child's working folder): holds `ok` and `album`. */
  dir: string;
  /** A state folder of its own, passed as --data unless the case passes its own. */
  data: string;
  /** A small file in `dir`, named after the case ("ok-3.txt"). */
  ok: string;
  /** A folder in `dir` ("Album-3") holding one file, ok.txt (and an empty subfolder `sub` if asked for). */
  album: string;
}

export interface CaseTable {
  readonly env: TestStack;
  /** The folder every case's folders are in. */
  readonly work: string;
  /** The number of the case made last. */
  readonly index: number;
  newCase(): Promise<CaseContext>;
  /** Keys under the user's prefix ("uploads/<identity>/"), relative to it. */
  userKeys(): Promise<Set<string>>;
}

export function useCaseTable(
  user: { username: string; password: string },
  options: { tempPrefix: string; emptySubfolder?: boolean },
): CaseTable {
  let env: TestStack;
  let work: string;
  let index = 0;

  beforeAll(async () => {
    env = await startTestStack({ users: [user] });
    work = await mkdtemp(path.join(os.tmpdir(), options.tempPrefix));
    await chmod(work, 0o755); // the unprivileged user's child must reach its case folder
  });
  afterAll(async () => {
    await env?.close();
    await rm(work, { recursive: true, force: true });
  });

  return {
    get env() {
      return env;
    },
    get work() {
      return work;
    },
    get index() {
      return index;
    },
    async newCase() {
      const n = ++index;
      const dir = path.join(work, `case-${n}`);
      const c: CaseContext = { dir, data: path.join(work, `state-${n}`), ok: `ok-${n}.txt`, album: `Album-${n}` };
      await mkdir(path.join(dir, c.album, ...(options.emptySubfolder ? ['sub'] : [])), { recursive: true });
      await writeFile(path.join(dir, c.ok), `ok ${n}\n`);
      await writeFile(path.join(dir, c.album, 'ok.txt'), `album ${n}\n`);
      return c;
    },
    async userKeys() {
      return new Set((await env.listKeys('uploads/')).map((key) => key.split('/').slice(2).join('/')));
    },
  };
}

/** One test per case, named after it; a case that needs the refused child is skipped when none can be had. */
export function eachCase<T extends { name: string; asUser?: boolean }>(cases: T[], run: (bad: T) => Promise<void>) {
  const impossible = refusedChild.kind === 'none' ? refusedChild.reason : undefined;
  for (const bad of cases.filter((c) => c.asUser && impossible)) {
    console.warn(`skipping "${bad.name}": ${impossible}`);
    it.skip(`${bad.name} (skipped: ${impossible})`, () => {});
  }
  it.each(cases.filter((c) => !(c.asUser && impossible)).map((c) => [c.name, c] as const))('%s', (_name, bad) =>
    run(bad),
  );
}

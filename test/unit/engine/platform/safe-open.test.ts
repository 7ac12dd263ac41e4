// The one way a user's file is opened for reading (electron/engine/platform/safe-open.ts), on real files:
// a link, a FIFO with no writer, a device and another file renamed over the planned one are refused
// before a byte is read, and the FIFO does not block.
import { execFileSync } from 'node:child_process';
import { closeSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openRegularFile,
  openRegularFileSync,
  sameIno,
  UnsafeFileError,
} from '../../../../electron/engine/platform/safe-open.js';

const dir = mkdtempSync(join(tmpdir(), 'hoist-safe-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'plain.txt');
writeFileSync(file, 'plain contents');

/** Both forms refuse alike; the async one is what uploads and hashing use. */
async function refusal(path: string, planned = {}): Promise<UnsafeFileError> {
  let syncError: unknown;
  try {
    closeSync(openRegularFileSync(path, planned).fd);
  } catch (error) {
    syncError = error;
  }
  expect(syncError).toBeInstanceOf(UnsafeFileError);
  const error = await openRegularFile(path, planned).then(
    async ({ handle }) => {
      await handle.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnsafeFileError);
  expect((error as UnsafeFileError).reason).toBe((syncError as UnsafeFileError).reason);
  return error as UnsafeFileError;
}

describe('opening a user file to read it', () => {
  it('opens a regular file and reads it through the descriptor, with the inode it was planned as', async () => {
    const { handle, stat } = await openRegularFile(file, { ino: String(lstatSync(file).ino) });
    try {
      expect(stat.isFile()).toBe(true);
      expect((await handle.readFile()).toString()).toBe('plain contents');
    } finally {
      await handle.close();
    }
  });

  it('never follows a link, even to a readable file', async () => {
    const link = join(dir, 'link.txt');
    symlinkSync(file, link);
    const error = await refusal(link);
    expect(error.reason).toBe('link');
    expect(error.message).toMatch(/link\.txt is a link; links are never followed/);
  });

  it('does not wait for a FIFO with no writer, and refuses it', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // Without O_NONBLOCK the open itself would block for good (and this test would never end).
    const error = await refusal(fifo);
    expect(error.reason).toBe('special');
    expect(error.message).toMatch(/not a regular file/);
  });

  it('refuses a device, and a link to one', async () => {
    expect((await refusal('/dev/zero')).reason).toBe('special');
    const link = join(dir, 'zero');
    symlinkSync('/dev/zero', link);
    expect((await refusal(link)).reason).toBe('link');
  });

  it('refuses a folder', async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect((await refusal(sub)).reason).toBe('special');
  });

  it('refuses another file renamed over the planned one', async () => {
    const planned = join(dir, 'planned.txt');
    writeFileSync(planned, 'the file that was scanned');
    const ino = String(lstatSync(planned).ino);
    const other = join(dir, 'other.txt');
    writeFileSync(other, 'the file moved in its place');
    renameSync(other, planned);
    const error = await refusal(planned, { ino });
    expect(error.reason).toBe('replaced');
    expect(error.message).toMatch(/planned\.txt was replaced by another file after it was queued/);
  });

  it('counts an inode recorded as a rounded double as the same', () => {
    const big = 2n ** 60n + 1n;
    expect(sameIno(String(big), big)).toBe(true);
    expect(sameIno(String(Number(big)), big)).toBe(true);
    expect(sameIno(String(big + 1000n), big)).toBe(false);
  });
});

// `hoist upload` as scripts use it: a real child process, a real local stack over HTTP, the bucket
// checked with admin credentials.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, startTestStack, type TestStack } from '../../support/stack.js';

const user = { username: 'carol', password: 'correct horse battery staple' };
let env: TestStack;
let work: string;

beforeAll(async () => {
  env = await startTestStack({ users: [user] });
  work = await mkdtemp(path.join(os.tmpdir(), 'hoist-cli-'));
});
afterAll(async () => {
  await env?.close();
  await rm(work, { recursive: true, force: true });
});

function hoist(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/index.ts', ...args], {
      env: { ...process.env, HOIST_USERNAME: user.username, HOIST_PASSWORD: user.password, ...extraEnv },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('hoist upload', () => {
  it('uploads files and folders and reports each verified object', async () => {
    const src = path.join(work, 'Album');
    await mkdir(path.join(src, 'sub dir'), { recursive: true });
    const files: Record<string, Buffer> = {
      'empty.txt': Buffer.alloc(0),
      'note — é.txt': Buffer.from('hello\n'),
      'sub dir/big.bin': randomBytes(12 * 1024 * 1024 + 7),
    };
    for (const [name, data] of Object.entries(files)) await writeFile(path.join(src, name), data);

    const result = await hoist([
      '--data',
      path.join(work, 'state1'),
      '--broker',
      env.stack.brokerUrl,
      'upload',
      src,
      '--to',
      'from-cli',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      transfers: Array<{ destination: string; state: string }>;
    };
    expect(report.ok).toBe(true);
    expect(report.transfers.map((t) => t.state)).toEqual(['done', 'done', 'done']);

    const identityPrefix = (await env.listKeys('uploads/'))[0]!.split('/').slice(0, 2).join('/');
    for (const [name, data] of Object.entries(files)) {
      expect(await env.objectSha256(`${identityPrefix}/from-cli/Album/${name}`), name).toBe(sha256(data));
    }
    // No password or token in anything the command printed.
    for (const output of [result.stdout, result.stderr]) {
      expect(output).not.toContain(user.password);
      expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    }
  });

  it('exits non-zero with the reason when a path cannot be uploaded', async () => {
    const result = await hoist([
      '--data',
      path.join(work, 'state2'),
      '--broker',
      env.stack.brokerUrl,
      'upload',
      path.join(work, 'does-not-exist'),
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no longer exists/);
  });

  it('refuses a wrong password clearly', async () => {
    const file = path.join(work, 'x.txt');
    await writeFile(file, 'x');
    const result = await hoist(['--data', path.join(work, 'state3'), '--broker', env.stack.brokerUrl, 'upload', file], {
      HOIST_PASSWORD: 'wrong',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/username or password is not correct/);
    expect(result.stderr).not.toContain('wrong');
  });
});

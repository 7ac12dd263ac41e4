// The boundary rules must keep firing: each fixture breaks one rule and is linted as if it lived in
// the layer it names. A config change that silently disables a rule fails here.
import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const fixtures = path.join(root, 'test/fixtures/lint');

const expected: Record<string, string> = {
  'engine-imports-electron.ts': 'no-restricted-imports',
  'engine-uses-dom.ts': 'no-restricted-globals',
  'engine-imports-renderer.ts': 'no-restricted-imports',
  'engine-imports-server.ts': 'no-restricted-imports',
  'engine-imports-host.ts': 'no-restricted-imports',
  'engine-imports-rpc.ts': 'no-restricted-imports',
  'engine-imports-cli.ts': 'no-restricted-imports',
  'engine-imports-daemon.ts': 'no-restricted-imports',
  'engine-imports-main.ts': 'no-restricted-imports',
  'engine-imports-embedded.ts': 'no-restricted-imports',
  'platform-imports-engine.ts': 'no-restricted-imports',
  'platform-imports-host.ts': 'no-restricted-imports',
  'preload-imports-rpc.ts': 'no-restricted-imports',
  'preload-imports-node.ts': 'no-restricted-imports',
  'preload-imports-package.ts': 'no-restricted-imports',
  'console-in-engine.ts': 'no-console',
  'console-in-rpc.ts': 'no-console',
  'console-in-renderer.ts': 'no-console',
  'console-in-server-library.ts': 'no-console',
  'common-imports-node.ts': 'no-restricted-imports',
  'common-imports-engine.ts': 'no-restricted-imports',
  'renderer-imports-node.ts': 'no-restricted-imports',
  'renderer-imports-node-prefixed.ts': 'no-restricted-imports',
  'renderer-imports-electron.ts': 'no-restricted-imports',
  'renderer-imports-engine.ts': 'no-restricted-imports',
  'main-uses-ipc.ts': 'no-restricted-imports',
  'server-imports-app.ts': 'no-restricted-imports',
  'focused-test.ts': 'no-restricted-syntax',
  'focused-describe.ts': 'no-restricted-syntax',
};

describe('lint boundaries', () => {
  const eslint = new ESLint({ cwd: root });

  it('has an expectation for every fixture', () => {
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.ts'));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [file, rule] of Object.entries(expected)) {
    it(`${file} breaks ${rule}`, async () => {
      const text = readFileSync(path.join(fixtures, file), 'utf8');
      const as = /^\/\/ as: (\S+)/.exec(text)?.[1];
      expect(as, `${file} must start with "// as: <path>"`).toBeTruthy();
      const [result] = await eslint.lintText(text, { filePath: path.join(root, as!) });
      const rules = result!.messages.map((m) => m.ruleId);
      expect(rules).toContain(rule);
    });
  }

  it('passes a file that respects its layer', async () => {
    const text = "import { readFile } from 'node:fs/promises';\nexport const read = readFile;\n";
    const [result] = await eslint.lintText(text, { filePath: path.join(root, 'electron/engine/ok.ts') });
    expect(result!.messages).toEqual([]);
  });

  it('lets the engine use its platform, and the platform use Node and electron/common', async () => {
    const engine = "import { createLogger } from '../platform/log.js';\nexport const log = createLogger;\n";
    const [inEngine] = await eslint.lintText(engine, { filePath: path.join(root, 'electron/engine/transfers/ok.ts') });
    expect(inEngine!.messages).toEqual([]);
    const platform =
      "import { readFile } from 'node:fs/promises';\nimport { printable } from '../../common/printable.js';\nexport const use = [readFile, printable];\n";
    const [inPlatform] = await eslint.lintText(platform, {
      filePath: path.join(root, 'electron/engine/platform/ok.ts'),
    });
    expect(inPlatform!.messages).toEqual([]);
  });

  it('lets the preload import electron and electron/common', async () => {
    const text = [
      "import { contextBridge } from 'electron';",
      "import type { RpcEvent } from '../common/contract.js';",
      "import { ipcChannels } from '../common/ipc-channels.js';",
      'export const use = (e: RpcEvent) => [contextBridge, ipcChannels, e];',
      '',
    ].join('\n');
    const [result] = await eslint.lintText(text, { filePath: path.join(root, 'electron/preload/ok.ts') });
    expect(result!.messages).toEqual([]);
  });

  // Command entry points print: that is their job.
  for (const entry of [
    'electron/cli/ok.ts',
    'electron/daemon/index.ts',
    'server/local-stack.ts',
    'server/broker/cli.ts',
    'scripts/ok.ts',
    'test/unit/ok.test.ts',
    'build/ok.ts',
  ]) {
    it(`lets ${entry} print`, async () => {
      const [result] = await eslint.lintText("console.log('hello');\n", { filePath: path.join(root, entry) });
      expect(result!.messages.map((m) => m.ruleId)).not.toContain('no-console');
    });
  }
});

#!/usr/bin/env node
// `npm test`: every check, in order of cost. Each step runs even if an earlier one failed, so one run
// shows every problem; the exit code is non-zero if any failed. The last lines name each failed test and each
// that passed only when run again (CI shows a log's tail), and total the counts.
import { spawn } from 'node:child_process';

const steps = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npm', ['run', '--silent', 'lint']],
  ['format', 'npm', ['run', '--silent', 'format:check']],
  ['unit', 'npx', ['vitest', 'run', '--project', 'unit']],
  ['integration', 'npx', ['vitest', 'run', '--project', 'integration']],
  ['keychain', 'npm', ['run', '--silent', 'test:keychain']],
  ['e2e', 'npm', ['run', '--silent', 'test:e2e']],
];

// Tests talk only to this computer; a proxy from the developer's environment would sit in the path of
// every loopback connection (Hoist honours proxies for loopback as curl does). The proxy tests set their own.
const testEnv = { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' };
for (const name of [
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'all_proxy',
  'no_proxy',
])
  delete testEnv[name];

const only = process.argv.slice(2);
const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSteps = [];
const notedTests = [];

function run(name, cmd, args) {
  return new Promise((resolve) => {
    console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env: testEnv });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-16000);
    });
    child.on('close', (code) => {
      const summary = [...tail.matchAll(/^tests: (\d+) passed, (\d+) failed, (\d+) skipped$/gm)].at(-1);
      for (const [, kind, test] of tail.matchAll(/^(failed|flaky): (.+)$/gm))
        notedTests.push(`${kind} ${name}: ${test}`);
      if (summary) {
        totals.passed += Number(summary[1]);
        totals.failed += Number(summary[2]);
        totals.skipped += Number(summary[3]);
      }
      // A failed step with no failing test (typecheck, lint, a crash) still counts as one failure.
      if ((code ?? 1) !== 0 && !(summary && Number(summary[2]) > 0)) totals.failed += 1;
      resolve(code ?? 1);
    });
  });
}

for (const [name, cmd, args] of steps) {
  if (only.length > 0 && !only.includes(name)) continue;
  const code = await run(name, cmd, args);
  if (code !== 0) failedSteps.push(name);
}

console.log('');
for (const line of notedTests) console.log(line);
if (failedSteps.length > 0) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length > 0 ? 1 : 0);

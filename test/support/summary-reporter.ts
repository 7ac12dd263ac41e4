// Prints plain closing lines that CI reads the same way whatever runner produced them: one line per test
// that passed only on a second try ("flaky: <file> > <test> (…)"), one per failed test with the end of its
// message ("failed: <file> > <test>: …"), then "tests: N passed, N failed, N skipped". They come last
// because a CI log is often read from its tail.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let skipped = 0;
    const failures: string[] = [];
    const flaky: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') {
          passed++;
          const retries = test.diagnostic()?.retryCount ?? 0;
          if (retries > 0)
            flaky.push(
              `${module.relativeModuleId} > ${test.fullName} (failed ${retries}× first: ${lastLines(test.result().errors?.[0]?.message)})`,
            );
        } else if (state === 'failed')
          failures.push(
            `${module.relativeModuleId} > ${test.fullName}: ${lastLines(test.result().errors?.[0]?.message)}`,
          );
        else skipped++;
      }
      // A file that failed outside its tests (an import, a hook, leftover files) is one failure too.
      if (module.state() === 'failed' && !failures.some((line) => line.startsWith(`${module.relativeModuleId} >`)))
        failures.push(`${module.relativeModuleId} (the file itself: ${firstError(module)})`);
    }
    for (const line of flaky) console.log(`flaky: ${line}`);
    for (const line of failures) console.log(`failed: ${line}`);
    console.log(`tests: ${passed} passed, ${failures.length} failed, ${skipped} skipped`);
  }
}

function firstError(module: TestModule): string {
  const error = module.errors()[0];
  return error ? (error.message ?? String(error)).split('\n', 1)[0]!.slice(0, 200) : 'no error recorded';
}

/** The end of a failure's message (where an assertion says what it expected), on one line. */
function lastLines(message: string | undefined): string {
  if (!message) return 'no error recorded';
  return message.trim().split('\n').slice(-3).join(' ⏎ ').slice(-400);
}

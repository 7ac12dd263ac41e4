import { defineConfig } from 'vitest/config';

// One project per runtime (docs/ARCHITECTURE.md, style rule 12). Integration and e2e talk to real servers over
// loopback, so they get generous timeouts; none of them asserts on time. A test there that fails is run once
// more: the closing lines name each one that needed it ("flaky: …", test/support/summary-reporter.ts), so an
// intermittent failure is seen and can be chased, without a loaded machine's one slow child turning a whole
// run red. Unit tests get no second try.
export default defineConfig({
  test: {
    // Hoist supports Node 20.19+ on purpose; the SDK's end-of-support notice is noise in test output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          retry: 1,
          globalSetup: ['test/support/build-once.ts'],
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'keychain',
          retry: 1,
          globalSetup: ['test/support/build-once.ts'],
          include: ['test/keychain/**/*.test.ts'],
          testTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          retry: 1,
          globalSetup: ['test/support/build-once.ts'],
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});

// Lint is where the architecture is enforced (docs/ARCHITECTURE.md, style rule 1): each layer may only reach
// what its runtime really has. Do not relax these rules to make an import pass; move the code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const noElectron = {
  name: 'electron',
  message:
    'This layer runs without Electron (plain Node or the browser): only electron/main, electron/preload and electron/rpc/ipc may import it.',
};
const noIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Only the IPC transport (electron/rpc/ipc) and the preload may touch ipcMain/ipcRenderer.',
};
const noNodeInRenderer = nodeBuiltins.map((name) => ({
  name,
  message: 'The renderer has no Node: talk to the engine through the EngineClient (renderer/src/api).',
}));
const noFocusedTests = {
  selector: "MemberExpression[object.name=/^(it|test|describe|suite)$/][property.name='only']",
  message: '.only would silently skip the rest of the suite.',
};

const enginePatterns = [
  {
    group: ['**/renderer/**', 'react', 'react-dom', '**/main/**', '**/preload/**'],
    message: 'The engine never reaches into the UI or the Electron shell.',
  },
  {
    group: ['**/host/**', '**/rpc/**', '**/cli/**', '**/daemon/**', '**/embedded/**'],
    message:
      'The engine is the bottom layer: the hosts (host, embedded, daemon, cli) and RPC use it, never the reverse. Move shared code into electron/common or the engine.',
  },
  {
    group: ['**/server/**'],
    message: 'The engine talks to the broker and the cloud over HTTP only; electron/embedded starts the local stack.',
  },
];

/** no-restricted-imports with the common paths plus the given ones. */
function restrictImports({ paths = [], patterns = [] }) {
  return ['error', { paths, patterns }];
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'renderer/dist/',
      'test/fixtures/lint/',
      'test/e2e/artifacts/',
      'test/bench/results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-syntax': ['error', noFocusedTests],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
      // Libraries report through a logger (electron/engine/platform/log.ts, server/common/logger.ts) or to the user;
      // only command entry points (below) print.
      'no-console': 'error',
    },
  },
  // Command entry points and tooling: printing is their job.
  {
    files: [
      'electron/cli/**',
      'electron/daemon/index.ts',
      'server/local-stack.ts',
      'server/broker/cli.ts',
      'server/local-cloud/bench/**',
      'scripts/**',
      'test/**',
      'build/**',
      'bin/**',
    ],
    rules: { 'no-console': 'off' },
  },
  // Runtime-free contract and types: shared by the engine and the renderer.
  {
    files: ['electron/common/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': restrictImports({
        paths: [
          noElectron,
          ...noNodeInRenderer.map((p) => ({
            ...p,
            message: 'electron/common is runtime-free: no Node, no DOM, no Electron.',
          })),
        ],
        patterns: [
          {
            group: ['**/engine/**', '**/renderer/**', '**/server/**', 'react', 'react-dom'],
            message: 'electron/common depends on nothing of ours.',
          },
        ],
      }),
    },
  },
  // The sync engine: plain Node, testable without Electron or a window, and independent of the
  // servers it talks to (it reaches them over HTTP only).
  {
    files: ['electron/engine/**'],
    rules: {
      'no-restricted-imports': restrictImports({ paths: [noElectron], patterns: enginePatterns }),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  // The engine's platform (logger, clock, files, threads) is what its other folders stand on: it uses none of them.
  {
    files: ['electron/engine/platform/**'],
    rules: {
      'no-restricted-imports': restrictImports({
        paths: [noElectron],
        patterns: [
          ...enginePatterns,
          {
            group: [
              '../auth/**',
              '../diagnostics/**',
              '../folders/**',
              '../intake/**',
              '../keys/**',
              '../state/**',
              '../transfers/**',
              '../index.js',
            ],
            message: 'engine/platform is the bottom of the engine: the other engine folders use it, never the reverse.',
          },
        ],
      }),
    },
  },
  // Node-side hosts of the engine: headless daemon, command line, embedded local stack.
  {
    files: ['electron/daemon/**', 'electron/cli/**', 'electron/embedded/**', 'electron/host/**'],
    rules: {
      'no-restricted-imports': restrictImports({
        paths: [noElectron],
        patterns: [
          {
            group: ['**/renderer/**', 'react', 'react-dom', '**/main/**', '**/preload/**'],
            message: 'Node hosts never reach into the UI or the Electron shell.',
          },
        ],
      }),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['electron/rpc/**'],
    ignores: ['electron/rpc/ipc/**'],
    rules: { 'no-restricted-imports': restrictImports({ paths: [noElectron] }) },
  },
  // The preload: a thin pipe in a sandboxed renderer. Electron's renderer side and electron/common only.
  {
    files: ['electron/preload/**'],
    rules: {
      'no-restricted-imports': restrictImports({
        patterns: [
          {
            regex: String.raw`^(?!electron$)(?!(?:\.\./)+common/)`,
            message:
              'The preload may import only electron and electron/common (the contract and the IPC channel names).',
          },
        ],
      }),
    },
  },
  // The Electron shell: may use Electron, but IPC only through the transport.
  {
    files: ['electron/main/**'],
    rules: {
      'no-restricted-imports': restrictImports({
        paths: [noIpc],
        patterns: [{ group: ['**/renderer/**'], message: 'main never imports renderer code.' }],
      }),
    },
  },
  // The window: browser only.
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrictImports({
        paths: [noElectron, ...noNodeInRenderer],
        patterns: [
          {
            group: [
              '**/electron/engine/**',
              '**/electron/rpc/**',
              '**/electron/main/**',
              '**/electron/daemon/**',
              '**/server/**',
            ],
            message: 'The renderer only knows electron/common and its EngineClient.',
          },
        ],
      }),
    },
  },
  // Servers stand alone: the company's backend and the local cloud never import the app.
  {
    files: ['server/**'],
    rules: {
      'no-restricted-imports': restrictImports({
        paths: [noElectron],
        patterns: [
          {
            group: ['**/electron/**', '**/renderer/**'],
            message: 'server/ is deployed on its own and never imports the app.',
          },
        ],
      }),
    },
  },
);

// `hoist`: the engine without a window, for scripts, servers and benchmarks (docs/ARCHITECTURE.md,
// Contracts: command line).
// Depends on the engine, the RPC socket transport and the embedded local stack; never on Electron.
import { Command, Option } from 'commander';
import { parseBrokerUrl } from './broker-url.js';
import { endQuietlyWhenOutputCloses } from './closed-output.js';
import { runLimitFlags } from './config/run-limit-flags.js';
import type { RunLimitOptions } from './config/run-options.js';
import type { UploadOptions } from './commands/upload.js';
import type { GlobalOptions } from './context.js';
import { printableLines } from './format.js';

// Each command's code (and the engine, the SDK, SQLite behind it) is loaded only when that command runs:
// `hoist --help` and a mistyped option pay for parsing the command line and nothing more.
const commands = {
  upload: () => import('./commands/upload.js'),
  sync: () => import('./commands/sync.js'),
  config: () => import('./commands/config.js'),
  control: () => import('./commands/control.js'),
  session: () => import('./commands/session.js'),
  doctor: () => import('./commands/doctor.js'),
  diagnostics: () => import('./commands/diagnostics.js'),
};

endQuietlyWhenOutputCloses();

// The setting keys (and the schemas behind them: most of what parsing costs) are loaded only when a
// command that takes them may run or show its help; the command names are always typed out in full.
const settingsCli = process.argv.slice(2).some((a) => ['upload', 'sync', 'config', 'help'].includes(a))
  ? await import('./config/settings-cli.js')
  : undefined;
const runLimitOptions = () => settingsCli?.runLimitOptions() ?? runLimitFlags();

const program = new Command()
  .name('hoist')
  .description('Upload files straight to your S3 storage: resumable, parallel, verified.')
  .option('--data <dir>', 'state folder (default: the app data folder)')
  .option('--broker <url>', 'identity broker URL (default: the built-in local cloud)', parseBrokerUrl)
  .option('--verbose', 'log engine events to stderr')
  .showHelpAfterError()
  // Commander's messages quote what was typed: made safe like everything else printed.
  .configureOutput({ outputError: (text, write) => write(printableLines(text.replace(/\n$/, '')) + '\n') });

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
let exitCode = 0;
const run = (action: () => Promise<number>) => async () => {
  exitCode = await action();
};

const upload = program
  .command('upload')
  .description('upload files and folders; exits 0 only when every one is verified in the bucket')
  .argument('<path...>', 'files or folders')
  .option('--to <subpath>', 'folder under your prefix to upload into')
  .option('--json', 'print the result as JSON');
for (const option of runLimitOptions()) upload.addOption(option);
upload.action((paths: string[], options: UploadOptions) =>
  run(async () => (await commands.upload()).uploadCommand(paths, options, globals()))(),
);

const sync = program
  .command('sync')
  .description('watch folders and upload every new or changed file until stopped')
  .argument('<dir...>', 'folders to watch');
for (const option of runLimitOptions()) sync.addOption(option);
sync.action((dirs: string[], options: RunLimitOptions) =>
  run(async () => (await commands.sync()).syncCommand(dirs, options, globals()))(),
);

const config = program
  .command('config')
  .description('show or change the settings (those of the window): live in a running Hoist, or for the next start')
  .addHelpText('after', settingsCli?.configHelp() ?? '');
config
  .command('list')
  .description('every setting and its value')
  .option('--json', 'print as JSON')
  .action((options: { json?: boolean }) =>
    run(async () => (await commands.config()).configListCommand(options, globals()))(),
  );
config
  .command('get')
  .description('one setting’s value, as `set` takes it')
  .argument('<key>', 'setting (see `hoist config --help`)')
  .action((key: string) => run(async () => (await commands.config()).configGetCommand(key, globals()))());
config
  .command('set')
  .description('change one setting')
  // `set bandwidth-limit -1M` is a bad value (exit 2, said so), not an unknown option.
  .allowUnknownOption()
  .argument('<key>', 'setting (see `hoist config --help`)')
  .argument('<value>', 'its new value')
  .action((key: string, value: string) =>
    run(async () => (await commands.config()).configSetCommand(key, value, globals()))(),
  );

program
  .command('status')
  .description('show the running instance: session, transfers, folders')
  .option('--json', 'print as JSON')
  .action((options: { json?: boolean }) =>
    run(async () => (await commands.control()).statusCommand(options, globals()))(),
  );

for (const action of ['pause', 'resume', 'cancel'] as const) {
  program
    .command(action)
    .description(`${action} one transfer of the running instance, or all of them`)
    .argument('[id]', 'transfer id (from `hoist status`)')
    .addOption(new Option('--all', `${action} every transfer`))
    .action((id: string | undefined, options: { all?: boolean }) =>
      run(async () => (await commands.control()).transferCommand(action, id, options, globals()))(),
    );
}

program
  .command('diagnostics')
  .description('save a zip of recent logs, versions, settings and counts for support (never a secret)')
  .option('--output <file>', 'where to write it (default: hoist-diagnostics-<time>.zip here)')
  .action((options: { output?: string }) =>
    run(async () => (await commands.diagnostics()).diagnosticsCommand(options, globals()))(),
  );

program
  .command('sign-in')
  .description('sign in and keep the session in the OS keychain')
  .option('--username <name>', 'user name (default: HOIST_USERNAME or a prompt)')
  .addOption(
    new Option('--browser', 'sign in with your organisation in a browser on this computer').conflicts([
      'username',
      'device',
    ]),
  )
  .addOption(
    new Option('--device', 'sign in with your organisation on another device, with a code').conflicts(['username']),
  )
  .action((options: { username?: string; browser?: boolean; device?: boolean }) =>
    run(async () => {
      const { browserSignInCommand, deviceSignInCommand, signInCommand } = await commands.session();
      return options.browser
        ? browserSignInCommand(globals())
        : options.device
          ? deviceSignInCommand(globals())
          : signInCommand(options, globals());
    })(),
  );

program
  .command('doctor')
  .description(
    'check the set-up: keychain, sign-in service, clock, state database, data folder, watcher, proxy; exits 1 on a problem',
  )
  .option('--json', 'print the checks as a JSON array')
  .action((options: { json?: boolean }) =>
    run(async () => (await commands.doctor()).doctorCommand(options, globals()))(),
  );

program
  .command('sign-out')
  .description('sign out: revoke the session and remove it from the keychain')
  .action(() => run(async () => (await commands.session()).signOutCommand(globals()))());

try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (error) {
  const { describeFailure } = await import('./errors.js');
  const failure = describeFailure(error, globals());
  process.stderr.write(`hoist: ${printableLines(failure.message)}\n`);
  process.exitCode = failure.exitCode;
}

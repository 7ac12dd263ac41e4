// `hoist`: the engine without a window, for scripts, servers and benchmarks (docs/ARCHITECTURE.md,
// Contracts: command line).
// Depends on the engine, the RPC socket transport and the embedded local stack; never on Electron.
import { Command, Option } from 'commander';
import { endQuietlyWhenOutputCloses } from './closed-output.js';
import { configGetCommand, configHelp, configListCommand, configSetCommand } from './commands/config.js';
import { statusCommand, transferCommand } from './commands/control.js';
import { doctorCommand } from './commands/doctor.js';
import { browserSignInCommand, deviceSignInCommand, signInCommand, signOutCommand } from './commands/session.js';
import { syncCommand } from './commands/sync.js';
import { diagnosticsCommand } from './commands/diagnostics.js';
import { uploadCommand, type UploadOptions } from './commands/upload.js';
import { runLimitOptions, type RunLimitOptions } from './config/run-options.js';
import { parseBrokerUrl, type GlobalOptions } from './context.js';
import { describeFailure, printableLines } from './errors.js';

endQuietlyWhenOutputCloses();

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
upload.action((paths: string[], options: UploadOptions) => run(() => uploadCommand(paths, options, globals()))());

const sync = program
  .command('sync')
  .description('watch folders and upload every new or changed file until stopped')
  .argument('<dir...>', 'folders to watch');
for (const option of runLimitOptions()) sync.addOption(option);
sync.action((dirs: string[], options: RunLimitOptions) => run(() => syncCommand(dirs, options, globals()))());

const config = program
  .command('config')
  .description('show or change the settings (those of the window): live in a running Hoist, or for the next start')
  .addHelpText('after', configHelp());
config
  .command('list')
  .description('every setting and its value')
  .option('--json', 'print as JSON')
  .action((options: { json?: boolean }) => run(() => configListCommand(options, globals()))());
config
  .command('get')
  .description('one setting’s value, as `set` takes it')
  .argument('<key>', 'setting (see `hoist config --help`)')
  .action((key: string) => run(() => configGetCommand(key, globals()))());
config
  .command('set')
  .description('change one setting')
  // `set bandwidth-limit -1M` is a bad value (exit 2, said so), not an unknown option.
  .allowUnknownOption()
  .argument('<key>', 'setting (see `hoist config --help`)')
  .argument('<value>', 'its new value')
  .action((key: string, value: string) => run(() => configSetCommand(key, value, globals()))());

program
  .command('status')
  .description('show the running instance: session, transfers, folders')
  .option('--json', 'print as JSON')
  .action((options: { json?: boolean }) => run(() => statusCommand(options, globals()))());

for (const action of ['pause', 'resume', 'cancel'] as const) {
  program
    .command(action)
    .description(`${action} one transfer of the running instance, or all of them`)
    .argument('[id]', 'transfer id (from `hoist status`)')
    .addOption(new Option('--all', `${action} every transfer`))
    .action((id: string | undefined, options: { all?: boolean }) =>
      run(() => transferCommand(action, id, options, globals()))(),
    );
}

program
  .command('diagnostics')
  .description('save a zip of recent logs, versions, settings and counts for support (never a secret)')
  .option('--output <file>', 'where to write it (default: hoist-diagnostics-<time>.zip here)')
  .action((options: { output?: string }) => run(() => diagnosticsCommand(options, globals()))());

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
    run(() =>
      options.browser
        ? browserSignInCommand(globals())
        : options.device
          ? deviceSignInCommand(globals())
          : signInCommand(options, globals()),
    )(),
  );

program
  .command('doctor')
  .description(
    'check the set-up: keychain, sign-in service, clock, state database, data folder, watcher, proxy; exits 1 on a problem',
  )
  .option('--json', 'print the checks as a JSON array')
  .action((options: { json?: boolean }) => run(() => doctorCommand(options, globals()))());

program
  .command('sign-out')
  .description('sign out: revoke the session and remove it from the keychain')
  .action(() => run(() => signOutCommand(globals()))());

try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (error) {
  const failure = describeFailure(error, globals());
  process.stderr.write(`hoist: ${printableLines(failure.message)}\n`);
  process.exitCode = failure.exitCode;
}

// `npm run local-stack -- --data DIR --port 0 --ready-file FILE [--user NAME:PASSWORD]… [--credential-lifetime S]
// [--token-lifetime S] [--advertise-s3-endpoint URL] [--tls] [--clock-offset S]`: the local cloud, the broker and the local
// OpenID provider until SIGTERM/SIGINT
// (docs/ARCHITECTURE.md, Contracts: local stack command and ready file). The work is in
// server/local-stack/; this file only parses options and handles signals.
import { Command, InvalidArgumentError } from 'commander';
import { startLocalStack, writeReadyFile } from './local-stack/index.js';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of seconds is expected');
  return n;
}

function tokenSeconds(value: string): number {
  const n = seconds(value);
  if (n > 86_400) throw new InvalidArgumentError('Cognito tokens last at most 86400 seconds');
  return n;
}

function signedSeconds(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('a whole number of seconds is expected (negative: behind)');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number is expected');
  return n;
}

function user(
  value: string,
  previous: Array<{ username: string; password: string }>,
): Array<{ username: string; password: string }> {
  const colon = value.indexOf(':');
  if (colon < 1 || colon === value.length - 1) throw new InvalidArgumentError('NAME:PASSWORD is expected');
  return [...previous, { username: value.slice(0, colon), password: value.slice(colon + 1) }];
}

function url(value: string): string {
  try {
    return new URL(value).toString().replace(/\/$/, '');
  } catch {
    throw new InvalidArgumentError('a URL is expected');
  }
}

const program = new Command('local-stack')
  .description('The local cloud (S3 + Cognito Identity stand-in) and the identity broker, on 127.0.0.1')
  .requiredOption('--data <dir>', 'folder for all data, kept across restarts')
  .option('--port <port>', "the broker's port (0: any free port)", port, 0)
  .option('--ready-file <file>', 'written as JSON once everything listens')
  .option('--user <name:password>', 'a user to create (repeatable)', user, [])
  .option('--credential-lifetime <seconds>', 'lifetime of temporary AWS credentials', seconds)
  .option('--token-lifetime <seconds>', "lifetime of the broker's OpenID tokens (at most 86400)", tokenSeconds)
  .option('--advertise-s3-endpoint <url>', 'the S3 endpoint the broker tells clients to use', url)
  .option(
    '--tls',
    'serve HTTPS with certificates from a CA made in DIR/tls (its certificate: caFile in the ready file)',
  )
  .option(
    '--clock-offset <seconds>',
    "run the local cloud's clock this far ahead of the computer's (negative: behind): its Date and signature checks",
    signedSeconds,
  )
  .parse();

const opts = program.opts<{
  data: string;
  port: number;
  readyFile?: string;
  user: Array<{ username: string; password: string }>;
  credentialLifetime?: number;
  tokenLifetime?: number;
  advertiseS3Endpoint?: string;
  tls?: boolean;
  clockOffset?: number;
}>();

try {
  const stack = await startLocalStack({
    dataDir: opts.data,
    port: opts.port,
    users: opts.user,
    ...(opts.credentialLifetime !== undefined ? { credentialLifetimeSeconds: opts.credentialLifetime } : {}),
    ...(opts.tokenLifetime !== undefined ? { tokenLifetimeSeconds: opts.tokenLifetime } : {}),
    ...(opts.advertiseS3Endpoint !== undefined ? { advertiseS3Endpoint: opts.advertiseS3Endpoint } : {}),
    ...(opts.tls ? { tls: true } : {}),
    ...(opts.clockOffset ? { clockOffsetSeconds: opts.clockOffset } : {}),
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`local-stack: ${signal}, stopping`);
    stack.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`local-stack: stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (opts.readyFile) await writeReadyFile(opts.readyFile, stack.info());
  console.error(
    `local-stack: broker ${stack.brokerUrl}, S3 ${stack.s3Endpoint}, Cognito ${stack.cognitoEndpoint}, bucket ${stack.bucket}, OpenID provider ` +
      `${stack.oidcIssuer}`,
  );
} catch (error) {
  console.error(`local-stack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

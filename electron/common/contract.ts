// The one RPC contract between the engine and every window (docs/ARCHITECTURE.md, style rule 2): each command and event
// is a zod schema, and the TypeScript types are inferred from them. Every transport (Electron IPC, the
// headless daemon's WebSocket, the control socket) validates what it receives against these schemas before the engine
// sees it. Nothing secret ever appears here: no password leaves a command's params, no token or key
// is ever part of a result or an event.
import { z } from 'zod';

// ---------- domain ----------

// Limits carry their own words: zod's defaults ("Too big: expected string to have <=64 characters")
// reach people through the command line and the window.
const id = z
  .string()
  .min(1, 'An id is empty.')
  .max(64, 'An id is at most 64 characters long.')
  .regex(/^[A-Za-z0-9_-]+$/, 'ids are short [A-Za-z0-9_-] strings');
/** A local path as the user typed or dropped it; the engine checks it against the file system. */
const localPath = z
  .string()
  .min(1, 'A path is empty.')
  .max(4096, 'A path can be at most 4,096 characters long.')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

/**
 * An opaque handle to a file or folder the person dropped or picked: the window's transports hand these
 * out (the main process for Electron drops, the headless daemon for staged drops) and alone resolve them,
 * so a window never names a path of its own invention.
 */
const fileHandle = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, 'A file handle is what a drop or the file picker gave, not a path.');

/** A path that was not uploaded, and why (in words a person can act on). */
export const SkippedPath = z.object({ path: z.string(), reason: z.string() });
export type SkippedPath = z.infer<typeof SkippedPath>;

export const transferStates = [
  'queued',
  'uploading',
  'paused',
  'waiting',
  'verifying',
  'done',
  'failed',
  'cancelled',
] as const;
export const TransferState = z.enum(transferStates);
export type TransferState = z.infer<typeof TransferState>;

export const TransferError = z.object({
  code: z.string(),
  message: z.string(),
  /** Whether retrying can help (network, throttling) or the user must act (access denied, file gone). */
  retryable: z.boolean(),
});
export type TransferError = z.infer<typeof TransferError>;

export const Transfer = z.object({
  id,
  name: z.string(),
  sourcePath: z.string(),
  /** Object key relative to the user's prefix, e.g. "Photos/2026/a.jpg". */
  destination: z.string(),
  size: z.number().int().nonnegative(),
  bytesDone: z.number().int().nonnegative(),
  state: TransferState,
  /** Why a transfer in state "waiting" waits. */
  waitingFor: z.enum(['network', 'sign-in', 'slot', 'disk-space']).optional(),
  error: TransferError.optional(),
  /** Bytes per second over the last few seconds; 0 when idle. */
  rate: z.number().nonnegative(),
  /** Seconds left at the current rate; absent when unknown. */
  etaSeconds: z.number().nonnegative().optional(),
  origin: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('drop') }),
    z.object({ kind: z.literal('folder'), folderId: id }),
  ]),
  createdAt: z.number(),
  finishedAt: z.number().optional(),
  /** Where a finished upload is, `s3://bucket/key`; set while signed in as the identity that uploaded it. */
  s3Uri: z.string().optional(),
});
export type Transfer = z.infer<typeof Transfer>;

export const Totals = z.object({
  /** Uploading or verifying now. */
  active: z.number().int().nonnegative(),
  /** Waiting for a slot, the network or sign-in. */
  queued: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  /** Every transfer in the list, whatever its state (a window shows pages of them, not all). */
  all: z.number().int().nonnegative(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().optional(),
  pausedAll: z.boolean(),
  /** Set while the disk holding Hoist's data folder is full: nothing starts until there is room again. */
  diskFull: z.string().optional(),
});
export type Totals = z.infer<typeof Totals>;

export const FolderState = z.enum(['scanning', 'watching', 'paused', 'unavailable', 'error']);
export const Folder = z.object({
  id,
  path: z.string(),
  label: z.string(),
  state: FolderState,
  filesSeen: z.number().int().nonnegative(),
  message: z.string().optional(),
});
export type Folder = z.infer<typeof Folder>;

export const Session = z.object({
  state: z.enum(['signed-out', 'signed-in', 'needs-sign-in', 'waiting-network']),
  username: z.string().optional(),
  identityId: z.string().optional(),
  brokerUrl: z.string(),
  /** True when talking to the built-in local cloud rather than a real backend. */
  localMode: z.boolean(),
  /** Where the session is kept: the OS keychain, or memory only when no keychain is available. */
  keychain: z.enum(['os', 'memory']),
  /** A plain-language note for the user (e.g. why the keychain is unavailable). */
  notice: z.string().optional(),
  /** Why the last browser or device sign-in did not finish (cleared when another starts or succeeds). */
  signInError: z.string().optional(),
  /**
   * Present when the company pinned the configuration (a deployment file): the sign-in service cannot
   * be changed, so no server field is shown; `name` is the organisation's, `signIn` the methods offered.
   */
  deployment: z
    .object({ name: z.string().optional(), signIn: z.array(z.enum(['oidc', 'password'])).min(1) })
    .optional(),
});
export type Session = z.infer<typeof Session>;

/** How a broker lets people sign in. */
export const SignInMethods = z.object({
  password: z.boolean(),
  /** Through the organisation's OpenID provider in a browser. */
  browser: z.boolean(),
  /** The device grant, for machines with no browser. */
  device: z.boolean(),
});
export type SignInMethods = z.infer<typeof SignInMethods>;

const optionalBroker = z
  .object({
    brokerUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
  })
  .strict();

export const Settings = z.object({
  filesInParallel: z.number().int().min(1).max(64),
  partsInParallel: z.number().int().min(1).max(64),
  /** Bytes per second; null for unlimited. */
  bandwidthLimit: z.number().int().min(1024).nullable(),
  stabilityWindowMs: z.number().int().min(0).max(600_000),
  ignorePatterns: z.array(z.string().min(1).max(512)).max(500),
  startAtLogin: z.boolean(),
  /** A manual proxy (http:// or https://, optional user name); its password lives in the keychain. */
  proxyUrl: z
    .url({ protocol: /^https?$/, error: 'The proxy must be an http:// or https:// address.' })
    .max(2048)
    .nullable(),
  /** A PEM bundle of extra certificate authorities, added to the ones Hoist trusts anyway. */
  caFile: z.string().min(1).max(4096).nullable(),
  /** Desktop notifications: one per finished batch, and for what needs the user (docs/ARCHITECTURE.md, Notifications). */
  notifications: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

/** An update downloaded and verified, waiting for Hoist to restart (the desktop app only). */
export const UpdateReady = z.object({
  version: z.string().min(1).max(64),
  /** The person asked to restart while uploads ran: Hoist restarts by itself once they finish. */
  restartWhenIdle: z.boolean(),
});
export type UpdateReady = z.infer<typeof UpdateReady>;

/** One line of the set-up check (`hoist doctor`, Help → Check setup): what was checked and, when wrong, what to do. */
export const DiagnosticCheck = z.object({
  id: z.enum(['keychain', 'broker', 'clock', 'state-db', 'data-folder', 'watcher', 'network']),
  /** What was checked, in a few words ("Keychain", "Clock"). */
  name: z.string(),
  /** `problem`: Hoist cannot work right until it is fixed; `warning`: it works, but worse; `skipped`: not checkable now. */
  status: z.enum(['ok', 'warning', 'problem', 'skipped']),
  /** What was found, in words (never a secret). */
  detail: z.string(),
  /** What to do about it, when the status is not ok. */
  fix: z.string().optional(),
  /** The clock check: seconds S3's clock is ahead of this computer's (negative: behind). */
  offsetSeconds: z.number().optional(),
});
export type DiagnosticCheck = z.infer<typeof DiagnosticCheck>;

/** The name of a diagnostics zip the engine wrote (a name, never a path: shells look it up in the data folder). */
export const diagnosticsZipName = /^hoist-diagnostics-[0-9TZ-]+\.zip$/;

export const TransferFilter = z.enum(['all', 'active', 'done', 'failed']);
export type TransferFilter = z.infer<typeof TransferFilter>;

// ---------- commands ----------

const none = z.object({}).strict();
const byId = z.object({ id }).strict();
const ok = z.object({ ok: z.literal(true) });

/** Every command: its params and its result. Params are strict: unknown fields are refused. */
export const commands = {
  'session.get': { params: none, result: Session },
  'session.signIn': {
    params: z
      .object({
        username: z.string().min(1).max(256),
        password: z.string().min(1).max(1024),
      })
      .strict(),
    result: Session,
  },
  'session.signOut': { params: none, result: Session },
  'session.signInMethods': { params: optionalBroker, result: SignInMethods },
  /**
   * Starts a sign-in in the system browser (authorization code + PKCE, loopback redirect). Returns the
   * address to open (`opened`: the host already opened it); the outcome arrives as a `session` event.
   */
  'session.signInWithBrowser': {
    params: z.object({}).strict(),
    result: z.object({ url: z.string(), opened: z.boolean() }),
  },
  /** Starts a device-grant sign-in; the outcome arrives as a `session` event. */
  'session.signInWithDevice': {
    params: z.object({}).strict(),
    result: z.object({
      verificationUri: z.string(),
      verificationUriComplete: z.string().optional(),
      userCode: z.string(),
      expiresIn: z.number(),
    }),
  },
  /**
   * Another sign-in service for the next sign-in. Refused in a pinned deployment; while signed in it
   * needs a confirmation the window cannot give (a native dialog in the desktop app), and is refused
   * where there is none (headless: sign out first).
   */
  'session.setBroker': {
    params: z.object({ brokerUrl: z.url({ protocol: /^https?$/ }).max(2048) }).strict(),
    result: Session,
  },

  /**
   * Newest first (createdAt, then id, descending). With `limit`, one page of it: windows read the rows
   * they show, never all of a 100,000-file folder. Without, every matching transfer (scripts, the CLI).
   */
  'transfers.list': {
    params: z
      .object({
        filter: TransferFilter.optional(),
        offset: z.number().int().nonnegative().optional(),
        limit: z.number().int().min(1).max(5_000).optional(),
      })
      .strict(),
    result: z.array(Transfer),
  },
  'transfers.totals': { params: none, result: Totals },
  /**
   * Queue local files and folders. `paths` from the command line and the control socket; `handles` from
   * a window (drops, the file picker, staged drops), whose transports refuse `paths` (docs/ARCHITECTURE.md,
   * Contracts: who reaches the engine). What is not queued (a missing path, an unreadable folder, a name that cannot
   * be a key, a pipe, Hoist's own data folder) comes back in `skipped`, each with its reason: the upload is
   * complete only when that is absent.
   */
  'transfers.add': {
    params: z
      .object({
        paths: z
          .array(localPath)
          .min(1, 'Give at least one file or folder.')
          .max(10_000, 'At most 10,000 paths can be added at once.')
          .optional(),
        handles: z
          .array(fileHandle)
          .min(1, 'Give at least one file or folder.')
          .max(10_000, 'At most 10,000 files can be added at once.')
          .optional(),
        to: z.string().max(1024, 'The destination folder can be at most 1,024 characters long.').optional(),
      })
      .strict()
      .refine((p) => (p.paths === undefined) !== (p.handles === undefined), 'Give either paths or handles.'),
    result: z.object({ ids: z.array(id), skipped: z.array(SkippedPath).optional() }),
  },
  'transfers.pause': { params: byId, result: ok },
  'transfers.resume': { params: byId, result: ok },
  'transfers.cancel': { params: byId, result: ok },
  'transfers.retry': { params: byId, result: ok },
  'transfers.pauseAll': { params: none, result: ok },
  /** Cancels every unfinished transfer at once (no new one starts meanwhile); finished ones stay. */
  'transfers.cancelAll': { params: none, result: z.object({ cancelled: z.number().int().nonnegative() }) },
  'transfers.resumeAll': { params: none, result: ok },
  'transfers.clearHistory': { params: none, result: ok },

  'folders.list': { params: none, result: z.array(Folder) },
  'folders.add': {
    params: z.object({ path: localPath, label: z.string().min(1).max(255).optional() }).strict(),
    result: Folder,
  },
  'folders.pause': { params: byId, result: ok },
  'folders.resume': { params: byId, result: ok },
  'folders.remove': { params: byId, result: ok },

  /**
   * The set-up check: keychain, sign-in service, clock against S3, state database, data folder, watcher,
   * proxy and certificate authorities. Reads only; a few seconds at most (every network check has a timeout).
   */
  'diagnostics.check': { params: none, result: z.object({ checks: z.array(DiagnosticCheck) }) },

  'settings.get': { params: none, result: Settings },
  /** Where the logs are (the desktop app opens the folder; the headless window shows the path to copy). */
  'diagnostics.info': { params: none, result: z.object({ logsFolder: z.string() }) },
  /**
   * Writes a diagnostics zip (recent logs, versions, settings, counts; never a secret) into the data
   * folder's diagnostics/ and names it; the desktop app saves it where the user chooses, the headless
   * window downloads it, `hoist diagnostics` copies it to --output.
   */
  'diagnostics.create': {
    params: none,
    result: z.object({
      name: z.string().regex(diagnosticsZipName),
      path: z.string(),
      bytes: z.number().int().nonnegative(),
    }),
  },
  /** `proxyPassword` goes to the keychain, never to settings or back to a window; null forgets it. */
  'settings.update': {
    params: Settings.partial()
      .extend({ proxyPassword: z.string().min(1).max(1024).nullable().optional() })
      .strict(),
    result: Settings,
  },

  /** The update waiting for a restart, or null (always null outside the desktop app). */
  'update.get': { params: none, result: UpdateReady.nullable() },
  /**
   * "Restart to update": restarts at once when no upload is running (`restarting: true`), otherwise
   * once the uploads finish (`restarting: false`, and `update.ready` says so). Refused when no update waits.
   */
  'update.install': { params: none, result: z.object({ restarting: z.boolean() }) },
} as const;

export type CommandName = keyof typeof commands;
export type CommandParams<C extends CommandName> = z.infer<(typeof commands)[C]['params']>;
export type CommandResult<C extends CommandName> = z.infer<(typeof commands)[C]['result']>;

// ---------- events (pushed by the engine; the UI never polls) ----------

export const events = {
  /** Transfers that changed since the last event (throttled to at most 10 a second in all). */
  'transfers.changed': z.object({ transfers: z.array(Transfer) }),
  /** Transfers that left the list (cancelled and forgotten, or history cleared). */
  'transfers.removed': z.object({ ids: z.array(id) }),
  /**
   * Many transfers changed at once (pause all, resume all, sign-in, sign-out, more than 200 queued in
   * one go): instead of sending each, the engine asks windows to read again the page they show.
   * \`totals\` follows. Running, finished and failed transfers are still sent in \`transfers.changed\`.
   */
  'transfers.invalidated': z.object({}).strict(),
  totals: Totals,
  session: Session,
  folders: z.object({ folders: z.array(Folder) }),
  /** The settings after any change, whoever made it (a window, the command line), so every window shows them. */
  'settings.changed': Settings,
  /** An update is downloaded and verified (desktop app only; never in headless mode or the command line). */
  'update.ready': UpdateReady,
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

// ---------- what the engine offers and what a window holds ----------

/** The engine as the RPC layer sees it: one async function per command. */
export type EngineApi = { [C in CommandName]: (params: CommandParams<C>) => Promise<CommandResult<C>> };

/** Where events come from: the engine's bus, or a client hearing them over a transport. */
export interface EngineEventSource {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** What the renderer holds: commands to call and events to subscribe to, whatever the transport. */
export interface EngineClient extends EngineEventSource {
  call<C extends CommandName>(command: C, params: CommandParams<C>): Promise<CommandResult<C>>;
}

// ---------- wire envelope (shared by every transport: IPC, WebSocket, control socket) ----------

export const RpcRequest = z
  .object({ id: z.number().int().nonnegative(), command: z.string().max(64), params: z.unknown() })
  .strict();
export type RpcRequest = z.infer<typeof RpcRequest>;

export const rpcErrorCodes = [
  'invalid_request',
  'unknown_command',
  'invalid_params',
  'failed',
  'unauthorized',
] as const;
export const RpcError = z.object({ code: z.enum(rpcErrorCodes), message: z.string(), detail: z.string().optional() });
export type RpcError = z.infer<typeof RpcError>;

export type RpcResponse = { id: number; result: unknown } | { id: number; error: RpcError };
export type RpcEvent = { event: EventName; payload: unknown };

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

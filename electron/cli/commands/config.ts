// `hoist config list|get KEY|set KEY VALUE`: the window's settings from the command line. When a Hoist
// runs on the data folder, they are read and changed in it over its control socket (a change applies at
// once, and it saves it); otherwise they are read from, and written to, the settings file for the next
// start, through the engine's own settings module. A bad key or value exits 2 and changes nothing.
import type { Settings } from '../../common/contract.js';
import { openSecretStore } from '../../engine/auth/secret-store.js';
import { CaBundleError } from '../../engine/net/ca-bundle.js';
import { ProxySettingError } from '../../engine/net/errors.js';
import { PROXY_PASSWORD_ACCOUNT, storableNetworkSettings } from '../../engine/net/network-settings.js';
import { acquireInstanceLock, InstanceLockedError } from '../../host/instance-lock.js';
import { openSettings } from '../../engine/state/settings.js';
import { prepareDataDir } from '../../host/data-dir.js';
import { RpcCallError } from '../../common/rpc/errors.js';
import { connectControlSocket, RunningRefusedError } from '../../rpc/socket/client.js';
import { BadSettingError, findSettingKey, parseSettingValue, quotedValue, settingKeys } from '../config/keys.js';
import { resolveDataDir, type GlobalOptions } from '../context.js';
import { printable } from '../format.js';

/**
 * A value made safe for the terminal (control characters escaped, a line break too) with its backslashes
 * kept as they are, so what `get` prints is what `set` takes back (gitignore patterns use backslashes).
 */
function shown(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, printable);
}

/** Where the settings were read or written. */
interface SettingsSource {
  running: boolean;
  get(): Promise<Settings>;
  update(patch: Partial<Settings>): Promise<Settings>;
  close(): void;
}

async function openSource(dataDir: string): Promise<SettingsSource> {
  try {
    const client = await connectControlSocket(dataDir).catch((error: unknown) => {
      // Refused by a running Hoist: the settings file is its to write, not ours.
      if (error instanceof RpcCallError && error.code === 'unauthorized') throw new RunningRefusedError(dataDir);
      throw error;
    });
    return {
      running: true,
      get: () => client.call('settings.get', {}),
      async update(patch) {
        try {
          return await client.call('settings.update', patch);
        } catch (error) {
          // An instance of another version may know other settings or limits: its refusal is a bad value too.
          if (error instanceof RpcCallError && error.code === 'invalid_params')
            throw new BadSettingError(`The running Hoist refuses this value: ${error.message}`);
          throw error;
        }
      },
      close: () => client.close(),
    };
  } catch (error) {
    if (error instanceof RunningRefusedError) throw error;
    return {
      running: false,
      get: async () => openSettings(dataDir).get(),
      async update(requested) {
        // As the engine stores them: the proxy's password in the keychain, a CA file that holds certificates.
        const { patch, proxyPassword } = await storableNetwork(requested);
        if (proxyPassword !== undefined || patch.proxyUrl === null) await keepProxyPassword(proxyPassword);
        prepareDataDir(dataDir);
        // Held while writing, so no Hoist starts up reading a file that is being replaced.
        const lock = acquireInstanceLock(dataDir);
        try {
          return openSettings(dataDir).update(patch);
        } finally {
          lock.release();
        }
      },
      close: () => undefined,
    };
  }
}

async function storableNetwork(requested: Partial<Settings>): ReturnType<typeof storableNetworkSettings> {
  try {
    return await storableNetworkSettings(requested);
  } catch (error) {
    if (error instanceof ProxySettingError && requested.proxyUrl)
      throw new BadSettingError(`proxy-url ${quotedValue(requested.proxyUrl)}: ${error.message}`);
    if (error instanceof CaBundleError && requested.caFile)
      throw new BadSettingError(`ca-file ${quotedValue(requested.caFile)}: ${error.message}`);
    throw error;
  }
}

/** The proxy's password into the keychain (or out of it with the proxy); never into a file. */
async function keepProxyPassword(password: string | undefined): Promise<void> {
  const { store, notice } = await openSecretStore();
  if (password === undefined) return void (await store.delete(PROXY_PASSWORD_ACCOUNT));
  if (notice)
    throw new BadSettingError(
      'proxy-url: its password can only be kept in the keychain, and no keychain is available here. Give the address without the password, or set it while Hoist runs with a keychain.',
    );
  await store.set(PROXY_PASSWORD_ACCOUNT, password);
}

export async function configListCommand(options: { json?: boolean }, global: GlobalOptions): Promise<number> {
  const dataDir = resolveDataDir(global);
  const source = await openSource(dataDir);
  try {
    const settings = await source.get();
    if (options.json) {
      const entries = settingKeys.map((k) => [k.key, { value: k.format(settings[k.field]), raw: settings[k.field] }]);
      process.stdout.write(
        `${JSON.stringify({ from: source.running ? 'running' : 'file', dataDir, settings: Object.fromEntries(entries) }, null, 2)}\n`,
      );
      return 0;
    }
    process.stdout.write(
      source.running
        ? `Settings of the Hoist running on ${printable(dataDir)} (\`hoist config set\` changes them at once):\n`
        : `No Hoist is running on ${printable(dataDir)}: the settings it will start with.\n`,
    );
    const keyWidth = Math.max(...settingKeys.map((k) => k.key.length));
    const values = settingKeys.map((k) => shown(k.format(settings[k.field])));
    const valueWidth = Math.min(16, Math.max(...values.map((v) => v.length)));
    settingKeys.forEach((k, i) =>
      process.stdout.write(`${k.key.padEnd(keyWidth)}  ${values[i]!.padEnd(valueWidth)}  ${k.description}\n`),
    );
    return 0;
  } finally {
    source.close();
  }
}

export async function configGetCommand(key: string, global: GlobalOptions): Promise<number> {
  const setting = findSettingKey(key);
  const source = await openSource(resolveDataDir(global));
  try {
    process.stdout.write(`${shown(setting.format((await source.get())[setting.field]))}\n`);
    return 0;
  } finally {
    source.close();
  }
}

export async function configSetCommand(key: string, text: string, global: GlobalOptions): Promise<number> {
  // Checked before anything is opened: a bad key or value touches nothing.
  const setting = findSettingKey(key);
  const value = parseSettingValue(setting, text);
  const dataDir = resolveDataDir(global);
  const { running, settings } = await update(dataDir, { [setting.field]: value });
  const now = `${setting.key} = ${shown(setting.format(settings[setting.field])) || "''"}`;
  process.stdout.write(
    running
      ? `${now}: applied to the Hoist running on ${printable(dataDir)}, and saved for its next start.\n`
      : `${now}: saved for the next start (no Hoist is running on ${printable(dataDir)}).\n`,
  );
  return 0;
}

/** How long a Hoist that holds the data folder but does not answer yet (it is starting) is waited for. */
const STARTING_WAIT_MS = 15_000;

async function update(dataDir: string, patch: Partial<Settings>): Promise<{ running: boolean; settings: Settings }> {
  const deadline = Date.now() + STARTING_WAIT_MS;
  for (;;) {
    const source = await openSource(dataDir);
    try {
      return { running: source.running, settings: await source.update(patch) };
    } catch (error) {
      // Between taking the lock and serving its socket, a starting Hoist can be told nothing: ask it once it listens.
      if (!(error instanceof InstanceLockedError) || Date.now() > deadline) throw error;
    } finally {
      source.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The settings, their forms and what `set` does: the help of `hoist config`. */

export { configHelp } from '../config/help.js';

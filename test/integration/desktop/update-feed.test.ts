// The desktop app's updater against a company feed served over real HTTPS on 127.0.0.1 (a private CA
// from server/common/tls-ca.ts): electron-updater's own AppImage updater, pointed at the feed by
// electron/main/auto-updater.ts (`followFeed`), reads latest-linux.yml, compares versions, downloads the
// file and checks its sha512 — all of it real. Two parts stand in for Electron, which cannot run here:
// the app adapter (version, folders) and the HTTP executor (electron-updater uses Chromium's network
// stack through Electron; here node:https with the CA). Installing is Electron's and is not exercised.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import electronUpdater from 'electron-updater';
import { HttpExecutor, configureRequestOptions, configureRequestUrl, type DownloadOptions } from 'builder-util-runtime';
import { localServerTls } from '../../../server/common/tls-ca.js';
import { createWebServer, listen } from '../../../server/common/listen.js';
import { silentLogger } from '../../../electron/engine/platform/log.js';
import { followFeed } from '../../../electron/main/auto-updater.js';

const { AppImageUpdater } = electronUpdater;

/** node:https in place of Electron's net module, trusting the test CA. */
class NodeHttpsExecutor extends HttpExecutor<ReturnType<typeof httpsRequest>> {
  constructor(private readonly ca: string) {
    super();
  }
  createRequest(options: RequestOptions, callback: (response: unknown) => void) {
    return httpsRequest({ ...options, ca: this.ca }, callback);
  }
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error ? reject(error) : resolve(destination)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}

let dir: string;
let server: Server;
let feedUrl: string;
let ca: string;
/** What the feed serves, by path under /hoist/. */
const files = new Map<string, Buffer | string>();
const requested: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hoist-update-feed-'));
  const tls = localServerTls(dir);
  ca = tls.caCert;
  server = createWebServer(tls, {}, (req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname).replace(/^\/hoist\//, '');
    requested.push(name);
    const body = files.get(name);
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body);
  });
  feedUrl = `${await listen(server, 0, '127.0.0.1')}/hoist/`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});
const appImage = process.env.APPIMAGE;
afterEach(() => {
  files.clear();
  requested.length = 0;
  if (appImage === undefined) delete process.env.APPIMAGE;
  else process.env.APPIMAGE = appImage;
});

/** Publishes `version` as electron-builder does: the file, and latest-linux.yml with its sha512. */
function publish(version: string, content: Buffer, options: { sha512Of?: Buffer } = {}) {
  const name = `Hoist-${version}.AppImage`;
  const sha512 = createHash('sha512')
    .update(options.sha512Of ?? content)
    .digest('base64');
  files.set(name, content);
  files.set(
    'latest-linux.yml',
    [
      `version: ${version}`,
      'files:',
      `  - url: ${name}`,
      `    sha512: ${sha512}`,
      `    size: ${content.length}`,
      `path: ${name}`,
      `sha512: ${sha512}`,
      `releaseDate: '2026-12-01T10:00:00.000Z'`,
      '',
    ].join('\n'),
  );
}

/** The app as electron-updater sees it: version 1.0.0, packaged, running from an AppImage. */
async function installedApp(version = '1.0.0') {
  const home = await mkdtemp(path.join(dir, 'app-'));
  const running = path.join(home, 'Hoist-running.AppImage');
  await writeFile(running, 'the running version');
  process.env.APPIMAGE = running;
  const app = {
    version,
    name: 'Hoist',
    isPackaged: true,
    // A build published without a feed: no app-update.yml beside its resources.
    appUpdateConfigPath: path.join(home, 'resources', 'app-update.yml'),
    userDataPath: path.join(home, 'data'),
    baseCachePath: path.join(home, 'cache'),
    whenReady: async () => {},
    relaunch: () => {},
    quit: () => {},
    onQuit: () => {},
  };
  const updater = new AppImageUpdater(null, app);
  (updater as unknown as { httpExecutor: NodeHttpsExecutor }).httpExecutor = new NodeHttpsExecutor(ca);
  const adapted = followFeed(
    updater,
    { kind: 'deployment', url: feedUrl },
    { buildConfigFile: app.appUpdateConfigPath, dataDir: home, log: silentLogger },
  );
  const downloaded: string[] = [];
  adapted.onDownloaded((v) => downloaded.push(v));
  return { adapted, downloaded, cache: app.baseCachePath };
}

describe('an update from the company feed', () => {
  it('is found, downloaded over HTTPS and verified when the feed has a newer version', async () => {
    const content = Buffer.from('Hoist 2.0.0, the new AppImage');
    publish('2.0.0', content);
    const app = await installedApp('1.0.0');
    await app.adapted.check();
    expect(app.downloaded).toEqual(['2.0.0']);
    expect(requested).toContain('latest-linux.yml');
    expect(requested).toContain('Hoist-2.0.0.AppImage');
    // The verified file waits in the updater's cache folder for the restart.
    const cacheDir = path.join(app.cache, 'hoist-updater', 'pending');
    const names = await readdir(cacheDir);
    const file = names.find((n) => n.endsWith('.AppImage'));
    expect(await readFile(path.join(cacheDir, file!))).toEqual(content);
  });

  it.each([
    ['the same version', '1.0.0'],
    ['an older version', '0.9.0'],
  ])('is not offered when the feed has %s', async (_, version) => {
    publish(version, Buffer.from(`Hoist ${version}`));
    const app = await installedApp('1.0.0');
    await app.adapted.check();
    expect(app.downloaded).toEqual([]);
    expect(requested).toEqual(['latest-linux.yml']);
  });

  it('is refused when the file does not match the sha512 in the feed', async () => {
    publish('2.0.0', Buffer.from('a tampered AppImage'), { sha512Of: Buffer.from('the AppImage that was built') });
    const app = await installedApp('1.0.0');
    await expect(app.adapted.check()).rejects.toThrow(/sha512 checksum mismatch/);
    expect(app.downloaded).toEqual([]);
  });

  it('fails the check with the reason when the feed has nothing', async () => {
    const app = await installedApp('1.0.0');
    await expect(app.adapted.check()).rejects.toThrow(/404|Cannot find/);
    expect(app.downloaded).toEqual([]);
  });
});

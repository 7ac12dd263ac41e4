// electron-updater behind the Updater interface of update-service.ts: nothing but wiring. It downloads
// from the company's generic HTTPS feed (the deployment file's updateUrl) or the feed the build was
// published with, and verifies what it downloads as electron-builder's updater does: the sha512 in the
// feed's latest*.yml for every file, and on Windows the installer's code signature against the build's
// publisher (verifyUpdateCodeSignature left at its default; SECURITY.md, Updates). When to check and when
// to restart is update-service.ts's and update-policy.ts's business. electron-updater loads Electron only
// when it installs or runs its own HTTP, so `followFeed` runs under plain Node in the integration test.
import { existsSync } from 'node:fs';
import path from 'node:path';
import electronUpdater, { type AppUpdater } from 'electron-updater';
import { writeFileAtomic } from '../engine/platform/atomic-file.js';
import type { Logger } from '../engine/platform/log.js';
import { updateFeed, type UpdateFeed } from './update-policy.js';
import type { Updater } from './update-service.js';

/** The app's updater, or undefined (with the reason logged) when this build has no feed to follow. */
export function createAutoUpdater(options: {
  packaged: boolean;
  resourcesPath: string;
  dataDir: string;
  deploymentUpdateUrl?: string | undefined;
  log: Logger;
}): Updater | undefined {
  const buildConfigFile = path.join(options.resourcesPath, 'app-update.yml');
  const feed = updateFeed({
    packaged: options.packaged,
    deploymentUpdateUrl: options.deploymentUpdateUrl,
    buildFeedExists: existsSync(buildConfigFile),
  });
  if (feed.kind === 'none') {
    options.log.info(`updates: off (${feed.reason})`);
    return undefined;
  }
  return followFeed(electronUpdater.autoUpdater, feed, { buildConfigFile, dataDir: options.dataDir, log: options.log });
}

/** Points an electron-updater at the feed and adapts it to the service's Updater. */
export function followFeed(
  updater: AppUpdater,
  feed: Exclude<UpdateFeed, { kind: 'none' }>,
  options: { buildConfigFile: string; dataDir: string; log: Logger },
): Updater {
  const { log } = options;
  updater.logger = {
    info: (message?: unknown) => log.info(`updater: ${String(message)}`),
    warn: (message?: unknown) => log.warn(`updater: ${String(message)}`),
    error: (message?: unknown) => log.error(`updater: ${String(message)}`),
    debug: (message: string) => log.debug(`updater: ${message}`),
  };
  updater.autoDownload = true;
  updater.allowDowngrade = false;
  // On, so electron-updater hooks the quit once a download is verified; as the app quits, the service
  // turns it off when uploads were running (setInstallOnQuit).
  updater.autoInstallOnAppQuit = true;
  if (feed.kind === 'deployment') {
    const config = { provider: 'generic' as const, url: feed.url };
    updater.setFeedURL(config);
    // electron-updater reads the build's app-update.yml for its download folder (and on Windows the
    // publisher to check signatures against). A build published without a feed has none: give it one
    // naming the deployment's feed, or every download would fail.
    if (!existsSync(options.buildConfigFile)) {
      const file = path.join(options.dataDir, 'update-feed.yml');
      writeFileAtomic(file, JSON.stringify({ ...config, updaterCacheDirName: 'hoist-updater' }) + '\n');
      updater.updateConfigPath = file;
    }
  }
  log.info('updates: on', { feed: feed.kind === 'deployment' ? feed.url : 'the build’s publish setting' });

  return {
    async check() {
      const result = await updater.checkForUpdates();
      // Resolves once the download is verified (or fails with why), so a failed download is retried.
      await result?.downloadPromise;
    },
    onDownloaded(listener) {
      const handler = (info: { version: string }) => listener(info.version);
      updater.on('update-downloaded', handler);
      return () => void updater.off('update-downloaded', handler);
    },
    restartAndInstall: () => updater.quitAndInstall(false, true),
    setInstallOnQuit(on) {
      updater.autoInstallOnAppQuit = on;
    },
  };
}

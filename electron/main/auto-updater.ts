// electron-updater behind the Updater interface of update-service.ts: nothing but wiring. It downloads
// from the company's generic HTTPS feed (the deployment file's updateUrl) or the feed the build was
// published with, and verifies what it downloads as electron-builder's updater does: the sha512 in the
// feed's latest*.yml for every file, and on Windows the installer's code signature against the build's
// publisher (verifyUpdateCodeSignature left at its default; SECURITY.md, Updates). When to check and when
// to restart is update-service.ts's and update-policy.ts's business.
import { existsSync } from 'node:fs';
import path from 'node:path';
import electronUpdater from 'electron-updater';
import type { Logger } from '../engine/platform/log.js';
import { updateFeed } from './update-policy.js';
import type { Updater } from './update-service.js';

/** The app's updater, or undefined (with the reason logged) when this build has no feed to follow. */
export function createAutoUpdater(options: {
  packaged: boolean;
  resourcesPath: string;
  deploymentUpdateUrl?: string | undefined;
  log: Logger;
}): Updater | undefined {
  const feed = updateFeed({
    packaged: options.packaged,
    deploymentUpdateUrl: options.deploymentUpdateUrl,
    buildFeedExists: existsSync(path.join(options.resourcesPath, 'app-update.yml')),
  });
  if (feed.kind === 'none') {
    options.log.info(`updates: off (${feed.reason})`);
    return undefined;
  }
  const { autoUpdater } = electronUpdater;
  autoUpdater.logger = {
    info: (message?: unknown) => options.log.info(`updater: ${String(message)}`),
    warn: (message?: unknown) => options.log.warn(`updater: ${String(message)}`),
    error: (message?: unknown) => options.log.error(`updater: ${String(message)}`),
    debug: (message: string) => options.log.debug(`updater: ${message}`),
  };
  autoUpdater.autoDownload = true;
  // On, so electron-updater hooks the quit once a download is verified; as the app quits, the service
  // turns it off when uploads were running (setInstallOnQuit).
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.allowDowngrade = false;
  if (feed.kind === 'deployment') autoUpdater.setFeedURL({ provider: 'generic', url: feed.url });
  options.log.info('updates: on', { feed: feed.kind === 'deployment' ? feed.url : 'the build’s publish setting' });

  return {
    async check() {
      const result = await autoUpdater.checkForUpdates();
      // Resolves once the download is verified (or fails with why), so a failed download is retried.
      await result?.downloadPromise;
    },
    onDownloaded(listener) {
      const handler = (info: { version: string }) => listener(info.version);
      autoUpdater.on('update-downloaded', handler);
      return () => void autoUpdater.off('update-downloaded', handler);
    },
    restartAndInstall: () => autoUpdater.quitAndInstall(false, true),
    setInstallOnQuit(on) {
      autoUpdater.autoInstallOnAppQuit = on;
    },
  };
}

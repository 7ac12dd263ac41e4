// "Restart to update": shown when the desktop app has downloaded and verified an update (the engine's
// `update.ready` event, or `update.get` when the window opens later). The restart never interrupts an
// upload: while uploads run, the app says it will restart once they finish. Headless windows never hear
// of an update, so they never show it. The status region is always there, so its words are announced.
import { useEffect, useState } from 'react';
import type { UpdateReady } from '../../../../electron/common/contract.js';
import { useAction, useClient } from '../../app/hooks.js';

export function UpdateBanner() {
  const client = useClient();
  const run = useAction();
  const [ready, setReady] = useState<UpdateReady | null>(null);

  useEffect(() => {
    let heard = false;
    const stop = client.on('update.ready', (next) => {
      heard = true;
      setReady(next);
    });
    void client.call('update.get', {}).then(
      (current) => heard || setReady(current),
      () => undefined,
    );
    return stop;
  }, [client]);

  const restart = () =>
    run('Could not restart to update', async () => {
      const { restarting } = await client.call('update.install', {});
      if (!restarting && ready) setReady({ ...ready, restartWhenIdle: true });
    });

  return (
    <div className={ready ? 'banner banner-info update-banner' : 'update-banner-empty'} role="status">
      {ready &&
        (ready.restartWhenIdle ? (
          <span>Hoist will restart to update to version {ready.version} when the uploads finish.</span>
        ) : (
          <>
            <span>Version {ready.version} of Hoist is ready.</span>
            <button type="button" className="button button-primary" onClick={restart}>
              Restart to update
            </button>
          </>
        ))}
    </div>
  );
}

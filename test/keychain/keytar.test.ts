// The real Secret Service (gnome-keyring in a private D-Bus session, see scripts/with-keyring.sh)
// stores, reads and deletes a secret through keytar.
import { expect, it } from 'vitest';
import keytar from 'keytar';

it('round-trips a secret through the OS keychain', async () => {
  expect(process.env.HOIST_KEYRING_DIR, 'run through scripts/with-keyring.sh (npm run test:keychain)').toBeTruthy();
  const service = `hoist-test-${process.pid}`;
  await keytar.setPassword(service, 'alice', 's3cr3t');
  expect(await keytar.getPassword(service, 'alice')).toBe('s3cr3t');
  expect(await keytar.deletePassword(service, 'alice')).toBe(true);
  expect(await keytar.getPassword(service, 'alice')).toBeNull();
});

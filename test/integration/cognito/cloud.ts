// Test support: the Cognito half of the local cloud on its own HTTP server (127.0.0.1, port 0), with the
// real credential store, for tests that need no S3. Whole-chain tests use startLocalCloud instead.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCredentialStore, type FileCredentialStore } from '../../../server/local-cloud/auth/credential-store.js';
import type { CloudSettings } from '../../../server/local-cloud/auth/types.js';
import { createCognitoHandler } from '../../../server/local-cloud/cognito/index.js';

export const ROLE_POLICY: unknown = JSON.parse(
  readFileSync(new URL('../../../server/infra/role-policy.json', import.meta.url), 'utf8'),
);

export interface CognitoOnly {
  endpoint: string;
  settings: CloudSettings;
  credentials: FileCredentialStore;
  dataDir: string;
  close(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hoist-${prefix}-`));
}

export async function startCognitoOnly(
  options: { dataDir?: string; settings?: Partial<CloudSettings>; now?: () => Date } = {},
): Promise<CognitoOnly> {
  const dataDir = options.dataDir ?? tempDir('cognito');
  const settings: CloudSettings = {
    region: 'us-east-1',
    accountId: '123456789012',
    bucket: 'hoist-test',
    identityPoolId: 'us-east-1:11111111-2222-3333-4444-555555555555',
    developerProviderName: 'login.hoist.test',
    credentialLifetimeSeconds: 3600,
    rolePolicy: JSON.parse(JSON.stringify(ROLE_POLICY).replaceAll('${bucket}', 'hoist-test')) as unknown,
    ...options.settings,
  };
  const credentials = openCredentialStore(dataDir, options.now);
  const handler = createCognitoHandler({
    settings,
    credentials,
    dataDir,
    ...(options.now ? { now: options.now } : {}),
  });
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    settings,
    credentials,
    dataDir,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

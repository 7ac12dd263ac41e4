// The broker keeps no state but its store: two instances on one SQLite file behave as one broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startBroker, type RunningBroker } from '../../../server/broker/index.js';
import { SqliteUserStore } from '../../../server/broker/sqlite-store.js';
import { post, signIn, startHarness, type Harness, type SessionBody } from './harness.js';

describe('two broker instances sharing a store', () => {
  let a: Harness;
  let b: RunningBroker;
  let storeB: SqliteUserStore;
  beforeAll(async () => {
    // One fixed clock for both: the delay after the third failure is counted from it, not from test speed.
    const frozen = new Date();
    a = await startHarness({
      now: () => frozen,
      rateLimit: { maxFailuresPerUsername: 3, maxFailuresPerAddress: 100, windowSeconds: 60, maxDelaySeconds: 300 },
    });
    await a.addUser('alice', 'alice-pw');
    await a.addUser('mallory-target', 'target-pw');
    // A second process would open its own connection to the same file.
    storeB = new SqliteUserStore(a.dbPath);
    b = await startBroker({
      store: storeB,
      bucket: a.cognito.settings.bucket,
      cognito: {
        region: a.cognito.settings.region,
        identityPoolId: a.cognito.settings.identityPoolId,
        developerProviderName: a.cognito.settings.developerProviderName,
        endpoint: a.cognito.endpoint,
        credentials: a.cognito.credentials.developer,
      },
      rateLimit: { maxFailuresPerUsername: 3, maxFailuresPerAddress: 100, windowSeconds: 60, maxDelaySeconds: 300 },
      now: () => frozen,
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await b.close();
    await storeB.close();
    await a.close();
  });

  it('refreshes on one instance a session started on the other, and detects reuse across them', async () => {
    const session = (await (await signIn(a.url, 'alice', 'alice-pw')).json()) as SessionBody;
    const rotated = await post(`${b.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken });
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as SessionBody;
    expect(next.identityId).toBe(session.identityId);
    expect((await post(`${a.url}/v1/sessions/refresh`, { refreshToken: session.refreshToken })).status).toBe(401);
    expect((await post(`${b.url}/v1/sessions/refresh`, { refreshToken: next.refreshToken })).status).toBe(401);
  });

  it('counts failed sign-ins across instances', async () => {
    await signIn(a.url, 'mallory-target', 'x1');
    await signIn(b.url, 'mallory-target', 'x2');
    await signIn(a.url, 'mallory-target', 'x3');
    expect((await signIn(b.url, 'mallory-target', 'target-pw')).status).toBe(429);
  });

  it('needs no shared memory: a fresh instance on the same file serves existing users', async () => {
    const fresh = await startBroker({
      dbPath: a.dbPath,
      bucket: 'hoist-test',
      cognito: {
        region: 'us-east-1',
        identityPoolId: a.cognito.settings.identityPoolId,
        developerProviderName: a.cognito.settings.developerProviderName,
        endpoint: a.cognito.endpoint,
        credentials: a.cognito.credentials.developer,
      },
      logger: silentLogger,
    });
    try {
      expect((await signIn(fresh.url, 'alice', 'alice-pw')).status).toBe(201);
    } finally {
      await fresh.close();
    }
  });
});

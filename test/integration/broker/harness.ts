// Test support: a broker on 127.0.0.1 port 0 in a temp folder, in front of the local Cognito.
import { join } from 'node:path';
import { hashPassword } from '../../../server/broker/passwords.js';
import { SqliteUserStore } from '../../../server/broker/sqlite-store.js';
import { startBroker, type BrokerOptions, type Logger } from '../../../server/broker/index.js';
import { startCognitoOnly, tempDir, type CognitoOnly } from '../cognito/cloud.js';

export interface Harness {
  url: string;
  store: SqliteUserStore;
  dbPath: string;
  cognito: CognitoOnly;
  logs: string[];
  addUser(username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<BrokerOptions> = {}): Promise<Harness> {
  const dir = tempDir('broker');
  const cognito = await startCognitoOnly();
  const dbPath = join(dir, 'broker.db');
  const store = new SqliteUserStore(dbPath);
  const logs: string[] = [];
  const record = (level: string) => (event: string, fields?: object) =>
    logs.push(JSON.stringify({ level, event, ...fields }));
  const logger: Logger = { info: record('info'), warn: record('warn'), error: record('error') };
  const developer = cognito.credentials.developer;
  const broker = await startBroker({
    store,
    bucket: cognito.settings.bucket,
    cognito: {
      region: cognito.settings.region,
      identityPoolId: cognito.settings.identityPoolId,
      developerProviderName: cognito.settings.developerProviderName,
      endpoint: cognito.endpoint,
      credentials: developer,
    },
    endpoints: { cognitoIdentity: cognito.endpoint, s3: 'http://127.0.0.1:1' },
    logger,
    ...overrides,
  });
  return {
    url: broker.url,
    store,
    dbPath,
    cognito,
    logs,
    async addUser(username, password) {
      await store.addUser(username, await hashPassword(password), new Date());
    },
    async close() {
      await broker.close();
      await store.close();
      await cognito.close();
    },
  };
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function signIn(url: string, username: string, password: string): Promise<Response> {
  return post(`${url}/v1/sessions`, { username, password });
}

export interface SessionBody {
  identityId: string;
  token: string;
  tokenExpiresAt: string;
  refreshToken: string;
  region: string;
  identityPoolId: string;
  bucket: string;
  keyPrefix: string;
  endpoints?: { cognitoIdentity: string; s3: string };
}

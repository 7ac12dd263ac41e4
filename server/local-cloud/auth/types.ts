// Contracts shared by the local cloud's S3 and Cognito Identity halves. The S3 side owns SigV4
// verification and IAM evaluation; the Cognito side issues the temporary credentials they check.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Who signed a request. */
export type Principal =
  | { kind: 'admin' } // tools and tests: may do anything
  | { kind: 'developer' } // the broker's developer credentials: may call GetOpenIdTokenForDeveloperIdentity
  | { kind: 'identity'; identityId: string }; // a signed-in user's temporary credentials: confined by the role policy

export interface StoredCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required on every request made with temporary credentials. */
  sessionToken?: string;
  /** Absent for long-lived keys (admin, developer). */
  expiration?: Date;
  principal: Principal;
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Persisted in the data folder so credentials stay valid across a restart of the local cloud. */
export interface CredentialStore {
  issueTemporary(identityId: string, lifetimeSeconds: number): IssuedCredentials;
  lookup(accessKeyId: string): StoredCredentials | undefined;
}

/** A request handler for one protocol, given the already-read settings of the whole cloud. */
export type ProtocolHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Settings the whole local cloud shares. */
export interface CloudSettings {
  region: string; // us-east-1
  accountId: string; // 12 digits, used in ARNs
  bucket: string;
  identityPoolId: string; // `${region}:<uuid>`
  developerProviderName: string;
  /** Lifetime of credentials from GetCredentialsForIdentity (default 3600). */
  credentialLifetimeSeconds: number;
  /** The IAM policy document applied to identity credentials (server/infra/role-policy.json). */
  rolePolicy: unknown;
}

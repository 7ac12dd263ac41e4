// The CloudFormation template carries the same role policy the local cloud enforces, and the other
// security properties the AWS side needs (docs/ARCHITECTURE.md, Contracts: role policy).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Properties: Record<string, Json>;
}

const read = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../../../server/infra/${name}`, import.meta.url), 'utf8')) as Json;
const template = read('template.json') as unknown as {
  Parameters: Record<string, Json>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, Json>;
};
const resources = template.Resources;
const resource = (name: string): Resource => {
  const found = resources[name];
  if (!found) throw new Error(`template has no ${name}`);
  return found;
};

/** Undoes CloudFormation's Fn::Sub: the bucket resource back to the `${bucket}` placeholder, `${!x}` to `${x}`. */
function fromTemplate(value: Json): Json {
  if (Array.isArray(value)) return value.map(fromTemplate);
  if (value && typeof value === 'object') {
    const sub = value['Fn::Sub'];
    if (typeof sub === 'string' && Object.keys(value).length === 1) {
      return sub.replaceAll('${UploadBucket}', '${bucket}').replaceAll('${!', '${');
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromTemplate(v)]));
  }
  return value;
}

function rolePolicies(): Array<{ PolicyName: string; PolicyDocument: Json }> {
  return resource('AuthenticatedRole').Properties['Policies'] as unknown as Array<{
    PolicyName: string;
    PolicyDocument: Json;
  }>;
}

describe('server/infra/template.json', () => {
  it('gives the authenticated role exactly the document in role-policy.json', () => {
    const policies = rolePolicies();
    expect(policies).toHaveLength(1);
    expect(fromTemplate(policies[0]?.PolicyDocument ?? null)).toEqual(read('role-policy.json'));
    expect(resource('AuthenticatedRole').Properties['ManagedPolicyArns']).toBeUndefined();
  });

  it('would notice a role policy that differs from role-policy.json', () => {
    const widened = JSON.parse(JSON.stringify(rolePolicies()[0]?.PolicyDocument)) as {
      Statement: Array<{ Action: string[] }>;
    };
    widened.Statement[0]?.Action.push('cognito-identity:*');
    expect(fromTemplate(widened as unknown as Json)).not.toEqual(read('role-policy.json'));
  });

  it('trusts only authenticated identities of its own pool', () => {
    const trust = resource('AuthenticatedRole').Properties['AssumeRolePolicyDocument'];
    expect(trust).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: 'IdentityPool' } },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
          },
        },
      ],
    });
    expect(resource('IdentityPoolRoles').Properties['Roles']).toEqual({
      authenticated: { 'Fn::GetAtt': ['AuthenticatedRole', 'Arn'] },
    });
  });

  it('has a developer-authenticated identity pool without unauthenticated identities', () => {
    const pool = resource('IdentityPool').Properties;
    expect(pool['AllowUnauthenticatedIdentities']).toBe(false);
    expect(pool['DeveloperProviderName']).toEqual({ Ref: 'DeveloperProviderName' });
  });

  it('keeps the bucket private, encrypted, and aborts incomplete multipart uploads after 7 days', () => {
    const bucket = resource('UploadBucket').Properties;
    expect(bucket['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(JSON.stringify(bucket['BucketEncryption'])).toMatch(/"SSEAlgorithm":"(AES256|aws:kms)"/);
    const rules = (bucket['LifecycleConfiguration'] as { Rules: Array<Record<string, Json>> }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
    );
  });

  it('keeps earlier versions of every object, expiring overwritten ones after a configurable number of days', () => {
    const bucket = resource('UploadBucket').Properties;
    expect(bucket['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    const rules = (bucket['LifecycleConfiguration'] as { Rules: Array<Record<string, Json>> }).Rules;
    const expiring = rules.filter((rule) => rule['NoncurrentVersionExpiration'] !== undefined);
    expect(expiring).toEqual([
      {
        Id: 'ExpireNoncurrentVersions',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: { Ref: 'NoncurrentVersionExpirationDays' } },
      },
    ]);
    // Nothing else expires current objects or removes versions sooner.
    for (const rule of rules) {
      expect(
        rule['ExpirationInDays'] ?? rule['ExpirationDate'] ?? rule['NoncurrentVersionExpirationInDays'],
      ).toBeUndefined();
    }
    expect(template.Parameters['NoncurrentVersionExpirationDays']).toMatchObject({
      Type: 'Number',
      MinValue: 1,
      Default: 30,
    });
  });

  it('denies uploads encrypted with a customer-provided key (SSE-C), for every principal', () => {
    const policy = resource('UploadBucketPolicy').Properties['PolicyDocument'] as { Statement: Json[] };
    expect(fromTemplate(policy.Statement as Json)).toContainEqual({
      Sid: 'DenyCustomerProvidedEncryptionKeys',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::${bucket}/*',
      Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } },
    });
  });

  it('lets the broker mint tokens for its pool and nothing else', () => {
    const document = resource('BrokerPolicy').Properties['PolicyDocument'] as { Statement: Json[] };
    expect(document.Statement).toEqual([
      {
        Sid: 'MintDeveloperTokens',
        Effect: 'Allow',
        Action: 'cognito-identity:GetOpenIdTokenForDeveloperIdentity',
        Resource: {
          'Fn::Sub': 'arn:aws:cognito-identity:${AWS::Region}:${AWS::AccountId}:identitypool/${IdentityPool}',
        },
      },
    ]);
  });

  it('refers only to parameters and resources it defines', () => {
    const known = new Set([
      ...Object.keys(template.Parameters),
      ...Object.keys(resources),
      'AWS::Region',
      'AWS::AccountId',
      'AWS::Partition',
      'AWS::StackName',
      'AWS::NoValue',
    ]);
    const missing: string[] = [];
    const walk = (value: Json): void => {
      if (Array.isArray(value)) return value.forEach(walk);
      if (!value || typeof value !== 'object') return;
      const ref = value['Ref'];
      if (typeof ref === 'string' && !known.has(ref)) missing.push(ref);
      const getAtt = value['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && !known.has(getAtt[0])) missing.push(getAtt[0]);
      const sub = value['Fn::Sub'];
      if (typeof sub === 'string') {
        for (const [, name = ''] of sub.matchAll(/\$\{(?!!)([^}]+)\}/g))
          if (!known.has(name.split('.')[0] ?? '')) missing.push(name);
      }
      Object.values(value).forEach(walk);
    };
    walk(template as unknown as Json);
    expect(missing).toEqual([]);
  });

  it('deploys the optional stateless broker only when asked, with a role that can mint tokens for this pool and nothing else', () => {
    const gated = [
      'BrokerLogGroup',
      'BrokerFunctionRole',
      'BrokerFunction',
      'BrokerFunctionUrl',
      'BrokerFunctionUrlPermission',
    ];
    for (const name of gated)
      expect((resources[name] as unknown as { Condition?: string }).Condition, name).toBe('DeployBroker');
    const statements = (
      resource('BrokerFunctionRole').Properties['Policies'] as unknown as Array<{
        PolicyDocument: { Statement: Array<{ Action: Json; Resource: Json }> };
      }>
    ).flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.map((s) => s.Action)).toEqual([
      'cognito-identity:GetOpenIdTokenForDeveloperIdentity',
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
    ]);
    expect(statements[0]?.Resource).toEqual({
      'Fn::Sub': 'arn:aws:cognito-identity:${AWS::Region}:${AWS::AccountId}:identitypool/${IdentityPool}',
    });
    expect(statements[1]?.Resource).toEqual({ 'Fn::Sub': '${BrokerLogGroup.Arn}' });
    const env = (resource('BrokerFunction').Properties['Environment'] as { Variables: Record<string, Json> }).Variables;
    // Stateless: a seal key and an OpenID provider, no SQLite file.
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['HOIST_BROKER_SEAL_KEY', 'HOIST_OIDC_ISSUER', 'HOIST_OIDC_CLIENT_ID']),
    );
    expect(env['HOIST_BROKER_DB']).toBeUndefined();
    expect(resource('BrokerFunctionUrl').Properties['AuthType']).toBe('NONE');
  });
});

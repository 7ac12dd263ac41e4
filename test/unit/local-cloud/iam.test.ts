// IAM policy evaluation, table-driven, including the project's real role policy.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../server/local-cloud/iam/index.js';
import { instantiateRolePolicy } from '../../../server/local-cloud/settings.js';

const SUB = 'cognito-identity.amazonaws.com:sub';
const ID = 'us-east-1:0d6c1d2e-1111-2222-3333-444455556666';
const OTHER = 'us-east-1:99999999-1111-2222-3333-444455556666';
const vars = { [SUB]: ID };
const role = instantiateRolePolicy(
  JSON.parse(readFileSync(new URL('../../../server/infra/role-policy.json', import.meta.url), 'utf8')),
  'hoist-uploads',
);

const policy = (statements: object[], version: string | null = '2012-10-17') => ({
  ...(version !== null ? { Version: version } : {}),
  Statement: statements,
});
const allow = (Action: unknown, Resource: unknown) => ({ Effect: 'Allow', Action, Resource });
const deny = (Action: unknown, Resource: unknown) => ({ Effect: 'Deny', Action, Resource });

describe('evaluate', () => {
  const cases: Array<[string, unknown, string, string, Record<string, string> | undefined, 'allow' | 'deny']> = [
    [
      'role policy: own prefix PutObject',
      role,
      's3:PutObject',
      `arn:aws:s3:::hoist-uploads/uploads/${ID}/f.bin`,
      vars,
      'allow',
    ],
    [
      'role policy: nested path under own prefix',
      role,
      's3:PutObject',
      `arn:aws:s3:::hoist-uploads/uploads/${ID}/a/b/c`,
      vars,
      'allow',
    ],
    [
      'role policy: other identity prefix',
      role,
      's3:PutObject',
      `arn:aws:s3:::hoist-uploads/uploads/${OTHER}/f.bin`,
      vars,
      'deny',
    ],
    ['role policy: bucket root', role, 's3:PutObject', 'arn:aws:s3:::hoist-uploads/f.bin', vars, 'deny'],
    ['role policy: other bucket', role, 's3:PutObject', `arn:aws:s3:::other/uploads/${ID}/f.bin`, vars, 'deny'],
    [
      'role policy: GetObject not granted',
      role,
      's3:GetObject',
      `arn:aws:s3:::hoist-uploads/uploads/${ID}/f.bin`,
      vars,
      'deny',
    ],
    ['role policy: ListBucket not granted', role, 's3:ListBucket', 'arn:aws:s3:::hoist-uploads', vars, 'deny'],
    [
      'role policy: Abort granted',
      role,
      's3:AbortMultipartUpload',
      `arn:aws:s3:::hoist-uploads/uploads/${ID}/f`,
      vars,
      'allow',
    ],
    [
      'role policy: ListParts granted',
      role,
      's3:ListMultipartUploadParts',
      `arn:aws:s3:::hoist-uploads/uploads/${ID}/f`,
      vars,
      'allow',
    ],
    [
      'role policy: no cognito action',
      role,
      'cognito-identity:GetOpenIdTokenForDeveloperIdentity',
      'arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:x',
      vars,
      'deny',
    ],
    [
      'role policy: unset variable matches nothing',
      role,
      's3:PutObject',
      'arn:aws:s3:::hoist-uploads/uploads//f',
      {},
      'deny',
    ],
    [
      'role policy: prefix lookalike',
      role,
      's3:PutObject',
      `arn:aws:s3:::hoist-uploads/uploads/${ID}x/f`,
      vars,
      'deny',
    ],
    [
      'cognito-identity:* grants the dangerous call',
      policy([allow('cognito-identity:*', '*')]),
      'cognito-identity:GetOpenIdTokenForDeveloperIdentity',
      'arn:aws:cognito-identity:us-east-1:123456789012:identitypool/p',
      vars,
      'allow',
    ],
    ['default deny', policy([]), 's3:PutObject', 'arn:aws:s3:::b/k', vars, 'deny'],
    [
      'explicit deny wins',
      policy([allow('s3:*', '*'), deny('s3:PutObject', 'arn:aws:s3:::b/secret/*')]),
      's3:PutObject',
      'arn:aws:s3:::b/secret/x',
      vars,
      'deny',
    ],
    [
      'deny elsewhere does not block',
      policy([allow('s3:*', '*'), deny('s3:PutObject', 'arn:aws:s3:::b/secret/*')]),
      's3:PutObject',
      'arn:aws:s3:::b/open/x',
      vars,
      'allow',
    ],
    [
      'actions are case-insensitive',
      policy([allow('S3:putobject', 'arn:aws:s3:::b/*')]),
      's3:PutObject',
      'arn:aws:s3:::b/k',
      vars,
      'allow',
    ],
    [
      'action wildcard',
      policy([allow('s3:Put*', 'arn:aws:s3:::b/*')]),
      's3:PutObject',
      'arn:aws:s3:::b/k',
      vars,
      'allow',
    ],
    [
      'action ? wildcard',
      policy([allow('s3:?etObject', 'arn:aws:s3:::b/*')]),
      's3:GetObject',
      'arn:aws:s3:::b/k',
      vars,
      'allow',
    ],
    [
      'action list',
      policy([allow(['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::b/*')]),
      's3:PutObject',
      'arn:aws:s3:::b/k',
      vars,
      'allow',
    ],
    [
      'resources are case-sensitive',
      policy([allow('s3:*', 'arn:aws:s3:::b/Key')]),
      's3:PutObject',
      'arn:aws:s3:::b/key',
      vars,
      'deny',
    ],
    [
      '* in resource spans slashes',
      policy([allow('s3:*', 'arn:aws:s3:::b/*')]),
      's3:PutObject',
      'arn:aws:s3:::b/x/y/z',
      vars,
      'allow',
    ],
    [
      '? matches exactly one character',
      policy([allow('s3:*', 'arn:aws:s3:::b/k?')]),
      's3:PutObject',
      'arn:aws:s3:::b/k12',
      vars,
      'deny',
    ],
    [
      'bucket ARN is not an object ARN',
      policy([allow('s3:*', 'arn:aws:s3:::b/*')]),
      's3:ListBucket',
      'arn:aws:s3:::b',
      vars,
      'deny',
    ],
    [
      'variables substituted in 2012-10-17',
      policy([allow('s3:*', `arn:aws:s3:::b/\${${SUB}}/*`)]),
      's3:PutObject',
      `arn:aws:s3:::b/${ID}/k`,
      vars,
      'allow',
    ],
    [
      'variables literal without Version',
      policy([allow('s3:*', `arn:aws:s3:::b/\${${SUB}}/*`)], null),
      's3:PutObject',
      `arn:aws:s3:::b/${ID}/k`,
      vars,
      'deny',
    ],
    [
      'variables literal in 2008-10-17',
      policy([allow('s3:*', `arn:aws:s3:::b/\${${SUB}}/*`)], '2008-10-17'),
      's3:PutObject',
      `arn:aws:s3:::b/\${${SUB}}/k`,
      vars,
      'allow',
    ],
    [
      'a variable value is not a wildcard',
      policy([allow('s3:*', 'arn:aws:s3:::b/${aws:username}/k')]),
      's3:PutObject',
      'arn:aws:s3:::b/alice/k',
      { 'aws:username': '*' },
      'deny',
    ],
    [
      '${*} is a literal asterisk',
      policy([allow('s3:*', 'arn:aws:s3:::b/${*}')]),
      's3:PutObject',
      'arn:aws:s3:::b/*',
      vars,
      'allow',
    ],
    [
      '${*} does not match other text',
      policy([allow('s3:*', 'arn:aws:s3:::b/${*}')]),
      's3:PutObject',
      'arn:aws:s3:::b/anything',
      vars,
      'deny',
    ],
    [
      '${?} and ${$} are literals',
      policy([allow('s3:*', 'arn:aws:s3:::b/${?}${$}')]),
      's3:PutObject',
      'arn:aws:s3:::b/?$',
      vars,
      'allow',
    ],
    [
      'default value for an unset variable',
      policy([allow('s3:*', "arn:aws:s3:::b/${aws:username, 'guest'}/*")]),
      's3:PutObject',
      'arn:aws:s3:::b/guest/k',
      {},
      'allow',
    ],
    [
      'NotAction',
      policy([{ Effect: 'Allow', NotAction: 's3:DeleteObject', Resource: '*' }]),
      's3:DeleteObject',
      'arn:aws:s3:::b/k',
      vars,
      'deny',
    ],
    [
      'a Condition never grants (fails closed)',
      policy([{ ...allow('s3:*', '*'), Condition: { Bool: { 'aws:SecureTransport': 'true' } } }]),
      's3:PutObject',
      'arn:aws:s3:::b/k',
      vars,
      'deny',
    ],
    [
      'wildcards do not cross ARN segments',
      policy([allow('s3:*', 'arn:aws:s3*')]),
      's3:PutObject',
      'arn:aws:s3:::b/k',
      vars,
      'deny',
    ],
    [
      'a single Statement object',
      { Version: '2012-10-17', Statement: allow('s3:*', '*') },
      's3:PutObject',
      'arn:aws:s3:::b/k',
      vars,
      'allow',
    ],
  ];
  it.each(cases)('%s', (_name, doc, action, resource, variables, expected) => {
    expect(evaluate(doc, { action, resource, ...(variables ? { variables } : {}) })).toBe(expected);
  });
});

describe('NotResource with a variable that cannot be resolved', () => {
  const context = { action: 's3:PutObject', resource: 'arn:aws:s3:::b/uploads/x', variables: {} };
  const statement = (Effect: string) => ({
    Effect,
    Action: 's3:PutObject',
    NotResource: 'arn:aws:s3:::b/${aws:username}/*',
  });

  it('grants nothing in an Allow', () => {
    expect(evaluate({ Version: '2012-10-17', Statement: [statement('Allow')] }, context)).toBe('deny');
  });

  it('still denies in a Deny', () => {
    const allowAll = { Effect: 'Allow', Action: 's3:*', Resource: '*' };
    expect(evaluate({ Version: '2012-10-17', Statement: [allowAll, statement('Deny')] }, context)).toBe('deny');
  });

  it('applies as written once the variable is set', () => {
    const withUser = { ...context, variables: { 'aws:username': 'ada' } };
    expect(evaluate({ Version: '2012-10-17', Statement: [statement('Allow')] }, withUser)).toBe('allow');
  });
});

// The deployment file: where it is looked for, and what a person is told when it is wrong
// (docs/ARCHITECTURE.md, Contracts: deployment file). Real files in a temp folder.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DeploymentFileError,
  loadDeployment,
  parseDeployment,
  systemDeploymentFile,
} from '../../../../electron/engine/deployment/file.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'hoist-deployment-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const valid = {
  name: 'Acme Corp',
  brokerUrl: 'https://hoist-sign-in.acme.example',
  region: 'eu-west-1',
  identityPoolId: 'eu-west-1:01234567-89ab-cdef-0123-456789abcdef',
  bucket: 'acme-hoist-uploads',
  signIn: ['oidc', 'password'],
  limits: { maxBandwidthBytesPerSecond: 10 * 1024 * 1024, watchedFoldersInsideHome: true },
  updateUrl: 'https://updates.acme.example/hoist/',
};

function problems(json: unknown): string {
  try {
    parseDeployment(JSON.stringify(json), '/etc/hoist/deployment.json');
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentFileError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('parseDeployment', () => {
  it('accepts the documented example, and the four required fields alone', () => {
    expect(parseDeployment(JSON.stringify(valid), 'f')).toEqual(valid);
    const { brokerUrl, region, identityPoolId, bucket } = valid;
    expect(parseDeployment(JSON.stringify({ brokerUrl, region, identityPoolId, bucket }), 'f')).toEqual({
      brokerUrl,
      region,
      identityPoolId,
      bucket,
    });
  });

  it('names the file and every missing field', () => {
    expect(problems({})).toBe(
      'The deployment file /etc/hoist/deployment.json is not valid:\n- brokerUrl: is missing\n- region: is missing\n- identityPoolId: is ' +
        'missing\n- bucket: is missing',
    );
  });

  it('refuses unknown keys, suggesting the one meant', () => {
    const { brokerUrl, ...rest } = valid;
    const message = problems({ ...rest, brokerURL: brokerUrl, limits: { maxBandwidth: 5 } });
    expect(message).toContain('- brokerUrl: is missing');
    expect(message).toContain(
      '- brokerURL: unknown setting (did you mean "brokerUrl"?); allowed: brokerUrl, region, identityPoolId, bucket, signIn, limits, name, updateUrl',
    );
    expect(message).toContain(
      '- limits.maxBandwidth: unknown setting; allowed: maxBandwidthBytesPerSecond, watchedFoldersInsideHome',
    );
  });

  it.each([
    [
      { brokerUrl: 'http://sign-in.acme.example' },
      'brokerUrl: Hoist refuses to sign in at http://sign-in.acme.example: a sign-in service that is not on this computer must use https',
    ],
    [{ brokerUrl: 42 }, 'brokerUrl: must be the sign-in service URL, as a string'],
    [{ region: 'Europe' }, 'region: must be an AWS region such as "eu-west-1"'],
    [{ identityPoolId: 'acme' }, 'identityPoolId: must be an identity pool id'],
    [{ bucket: 'Acme_Uploads' }, 'bucket: must be an S3 bucket name'],
    [{ signIn: ['saml'] }, 'signIn.0: must be "oidc" or "password"'],
    [{ signIn: [] }, 'signIn: must offer at least one sign-in method'],
    [{ signIn: 'oidc' }, 'signIn: must be a list such as ["oidc"]'],
    [
      { limits: { maxBandwidthBytesPerSecond: 10 } },
      'limits.maxBandwidthBytesPerSecond: must be at least 1024 bytes per second',
    ],
    [
      { limits: { maxBandwidthBytesPerSecond: 2048.5 } },
      'limits.maxBandwidthBytesPerSecond: must be a whole number of bytes per second',
    ],
    [{ limits: { watchedFoldersInsideHome: 'yes' } }, 'limits.watchedFoldersInsideHome: must be true or false'],
    [{ name: '  ' }, 'name: must not be empty'],
    [
      { updateUrl: 'http://updates.acme.example/hoist/' },
      'updateUrl: must be an https:// address (updates are downloaded over HTTPS only), such as "https://updates.acme.example/hoist/"',
    ],
    [{ updateUrl: 'updates.acme.example' }, 'updateUrl: must be an https:// address such as'],
    [{ updateUrl: 'https://ada:pw@updates.acme.example/' }, 'updateUrl: must not carry a user name or password'],
    [{ updateUrl: ['https://updates.acme.example/'] }, 'updateUrl: must be the update feed address, as a string'],
  ])('explains %j', (change, message) => {
    expect(problems({ ...valid, ...change })).toContain(`- ${message}`);
  });

  it('says when it is not JSON or not an object', () => {
    expect(() => parseDeployment('{"brokerUrl":', 'f.json')).toThrow(
      /^The deployment file f\.json is not valid JSON \(/,
    );
    expect(problems([])).toContain(
      '- the file: must be a JSON object with brokerUrl, region, identityPoolId and bucket',
    );
  });
});

describe('loadDeployment', () => {
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it('uses HOIST_DEPLOYMENT_FILE first, and it must exist', () => {
    const explicit = write('explicit.json', JSON.stringify(valid));
    const bundled = write('bundled.json', JSON.stringify({ ...valid, name: 'Bundled' }));
    expect(loadDeployment({ env: { HOIST_DEPLOYMENT_FILE: explicit }, bundledFile: bundled })).toEqual({
      file: explicit,
      deployment: valid,
    });
    expect(() => loadDeployment({ env: { HOIST_DEPLOYMENT_FILE: path.join(dir, 'absent.json') } })).toThrow(
      `The deployment file ${path.join(dir, 'absent.json')} cannot be used: it does not exist.`,
    );
    expect(() => loadDeployment({ env: { HOIST_DEPLOYMENT_FILE: '' } })).toThrow(
      'HOIST_DEPLOYMENT_FILE is set but empty',
    );
  });

  it('falls back to the bundled file when the system path has none, and to nothing when neither has one', (ctx) => {
    if (existsSync(systemDeploymentFile('linux')))
      return ctx.skip(`${systemDeploymentFile('linux')} exists on this machine`);
    const bundled = write('bundled-only.json', JSON.stringify(valid));
    expect(loadDeployment({ env: {}, platform: 'linux', bundledFile: bundled })).toEqual({
      file: bundled,
      deployment: valid,
    });
    expect(
      loadDeployment({ env: {}, platform: 'linux', bundledFile: path.join(dir, 'no-bundle.json') }),
    ).toBeUndefined();
  });

  it('refuses a bundled file that is wrong (never runs unpinned), or a folder in its place', (ctx) => {
    if (existsSync(systemDeploymentFile('linux')))
      return ctx.skip(`${systemDeploymentFile('linux')} exists on this machine`);
    const broken = write('bundled-broken.json', JSON.stringify({ ...valid, bucket: undefined }));
    expect(() => loadDeployment({ env: {}, platform: 'linux', bundledFile: broken })).toThrow('- bucket: is missing');
    const folder = path.join(dir, 'a-folder.json');
    mkdirSync(folder);
    expect(() => loadDeployment({ env: { HOIST_DEPLOYMENT_FILE: folder } })).toThrow(
      `The deployment file ${folder} cannot be used: it is a folder.`,
    );
  });

  it('knows the system path of each OS', () => {
    expect(systemDeploymentFile('linux')).toBe('/etc/hoist/deployment.json');
    expect(systemDeploymentFile('darwin')).toBe('/Library/Application Support/Hoist/deployment.json');
    expect(systemDeploymentFile('win32', { ProgramData: 'D:\\ProgramData' })).toBe(
      'D:\\ProgramData\\Hoist\\deployment.json',
    );
  });
});

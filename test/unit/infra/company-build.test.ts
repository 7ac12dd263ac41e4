// The company build example stays in step with what the app reads: it extends the project's
// electron-builder configuration (so Fuses and targets are kept) and bakes the deployment file in as
// <resources>/deployment.json, the name electron/main/index.ts looks for. (Read as lines: the project
// has no YAML parser of its own, and these are plain `key: value` lines.)
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'));

it('extends the project configuration, renames the product and bakes in deployment.json', () => {
  const company = lines('build/company.example.yml');
  expect(company).toContain('extends: build/electron-builder.yml');
  expect(company).toContain('productName: Acme Uploads');
  expect(lines('build/electron-builder.yml')).toContain('productName: Hoist');
  const resources = company.slice(company.indexOf('extraResources:'));
  expect(resources.slice(1, 3).map((line) => line.trim())).toEqual([
    '- from: build/company/deployment.json',
    'to: deployment.json',
  ]);
  expect(readFileSync('electron/main/index.ts', 'utf8')).toContain(
    "path.join(process.resourcesPath, 'deployment.json')",
  );
});

// Commands that are not built yet must say so and fail, never pretend to work.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('commands not built yet', () => {
  for (const script of ['headless']) {
    it(`npm run ${script} fails with a clear message`, () => {
      const result = spawnSync('npm', ['run', '--silent', script], { encoding: 'utf8' });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/not built yet/);
    });
  }
});

// Global set-up of the projects that start `hoist` and the headless daemon as child processes: they run
// the built JavaScript (out/node), as the `hoist` bin and `npm run headless` do for users, so it is built
// here first and is always current with the sources.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export default function buildOnce(): void {
  execFileSync(process.execPath, ['scripts/build-main.mjs'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
}

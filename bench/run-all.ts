/**
 * `npm run bench`: runs every benchmark one after another (they share the machine's cores, so
 * never in parallel) and stops at the first that fails. Figures are recorded in docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const BENCHES = ['bench:classifier', 'bench:classify-cli', 'bench:wordlist', 'bench:ingest', 'bench:e2e', 'bench:batch', 'bench:queue', 'bench:dropin'];
const root = path.resolve(__dirname, '..');

for (const name of BENCHES) {
  console.log(`\n=== npm run ${name}`);
  const result = spawnSync('npm', ['run', '--silent', name], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${name} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

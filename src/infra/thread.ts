/**
 * Starts a worker thread on one of our modules. Under tsx or ts-jest (the TypeScript sources) the thread
 * registers tsx before loading the `.ts` entry; built, it loads the `.js` one.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** A thread running `<dir>/<name>.ts|.js` (pass the entry's own `__dirname`) with `workerData`. */
export function startThread(dir: string, name: string, workerData: unknown): Worker {
  const ts = __filename.endsWith('.ts');
  const file = JSON.stringify(path.join(dir, `${name}.${ts ? 'ts' : 'js'}`));
  return new Worker(`${ts ? "require('tsx/cjs'); " : ''}require(${file});`, { eval: true, workerData });
}

/**
 * The V8 flag the service's processes are started with: a 64 MB young-generation semi-space (V8's default
 * is 16 MB). A worker allocates ~140 KB per comment it judges, and whatever is alive when a scavenge runs
 * is copied. With four times the room, scavenges run a third as often and copy about 40 % less in all;
 * the worker's CPU per comment drops about 10 %, for ~80 MB more resident memory (`docs/performance.md`, ninth
 * pass). It cannot be set once the process runs, so `package.json`'s start scripts pass it to node and the
 * Dockerfile sets it in NODE_OPTIONS (test/unit/runtime-flags.test.ts keeps them in step).
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

/**
 * What to tell an operator whose worker runs without a young-generation size of its own (e.g. started as
 * `node dist/src/main.js` outside the image), or nothing.
 */
export function youngGenerationNotice(execArgv: readonly string[], nodeOptions = ''): string | undefined {
  const flags = [...execArgv, ...nodeOptions.split(/\s+/)];
  if (flags.some((f) => f.startsWith('--max-semi-space-size'))) return undefined;
  return `this worker runs with V8's default young generation; start node with ${YOUNG_GENERATION_FLAG} (or put it in NODE_OPTIONS) for less CPU per comment in garbage collection (docs/performance.md)`;
}

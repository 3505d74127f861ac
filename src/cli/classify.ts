/**
 * `npm run --silent classify [-- --site S] [--workers N] < in.jsonl > out.jsonl`: moderates one JSON comment per line with the
 * shipped model and the default policy, writing one JSON line per input line in the same order (formats:
 * docs/moderation-policy.md, "Using it from the command line"). Streams: memory
 * stays flat however long the input. Bad lines yield `{"id"?, "error"}`; only JSON lines go to stdout.
 * The first lines (`--sequential`, 2000) are moderated on the main thread; past them, batches go to N worker threads
 * (default: one per core) while the main thread reads, counts repeats in input order and writes in order.
 * Article and thread term models are compiled once per thread and reused (the relevance phase's cache).
 * With `--site S`, the site's adapter (site learning, read once from Redis at start) takes part, and each
 * line says which adapter version scored it (`adapter`).
 * Off-topic weighs words by how well they tell the input's articles apart (as the worker does with a site's stored
 * articles): the articles of the first `--lookahead` lines (default 10,000, at most 32 MB) are counted before any
 * line is judged, later ones as they come (a new snapshot after 10% more articles).
 */
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { classifyLine, cliDeps, countArticle, countRepeats, RepeatCounter } from './classify-line';
import type { Batch, TermsMessage } from './classify-worker';
import { SiteTermCounter, type SiteTerms } from '../moderation/relevance/site-terms';
import { loadConfig } from '../../config';
import { AdapterStore } from '../infra/adapter-store';
import { createKeys } from '../infra/keys';
import { createRedis, waitForReady } from '../infra/redis';
import { startThread } from '../infra/thread';
import type { SiteAdapter } from '../site-learning/types';
import { argValue, siteFlag } from './args';

/** Output is written in blocks of about this many characters (one write per block, not per line). */
const BLOCK = 1 << 16;
const argv = process.argv.slice(2);
/** Worker threads (default: one per core); 1 or 0 keeps everything on the main thread. */
const WORKERS = Math.max(0, Math.floor(Number(argValue(argv, 'workers') ?? availableParallelism())) || 0);
/** Lines moderated on the main thread before worker threads start (small inputs never pay for them). */
const SEQUENTIAL = Math.max(0, Math.floor(Number(argValue(argv, 'sequential') ?? 2000)) || 0);
/** Lines per message to a worker thread. */
const BATCH = Math.max(1, Math.floor(Number(argValue(argv, 'batch') ?? 128)) || 1);
/** Lines read (and their articles counted) before the first is judged; bounded by LOOKAHEAD_CHARS too. */
const LOOKAHEAD = Math.max(0, Math.floor(Number(argValue(argv, 'lookahead') ?? 10_000)) || 0);
const LOOKAHEAD_CHARS = 32 << 20;

/** Reads the first lines (at most LOOKAHEAD, LOOKAHEAD_CHARS) from `input`, counting their articles in `terms`. */
async function readAhead(input: AsyncIterator<string>, terms: SiteTermCounter): Promise<string[]> {
  const ahead: string[] = [];
  let chars = 0;
  while (ahead.length < LOOKAHEAD && chars < LOOKAHEAD_CHARS) {
    const next = await input.next();
    if (next.done) break;
    countArticle(next.value, terms);
    ahead.push(next.value);
    chars += next.value.length;
  }
  return ahead;
}

/** The adapter of the site named by `--site`, if any (no Redis needed without `--site`). */
async function siteAdapter(): Promise<SiteAdapter | undefined> {
  if (argValue(argv, 'site') === undefined) return undefined;
  const config = loadConfig({ env: process.env });
  const site = siteFlag(argv, config.sites.map((s) => s.id), true)!;
  const redis = createRedis(config.redis, 'worker', 'classify');
  try {
    await waitForReady(redis, 5_000);
    const adapter = await new AdapterStore(redis, createKeys(config.redis.prefix)).current(site);
    process.stderr.write(adapter ? `classify: site ${site} adapter v${adapter.version}\n` : `classify: site ${site} has no adapter; the general model decides\n`);
    return adapter ?? undefined;
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const adapter = await siteAdapter();
  const deps = cliDeps(adapter);
  const repeats = new RepeatCounter();
  const counter = new SiteTermCounter('input');
  const input = createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
  let block = '';
  const flush = async () => {
    if (!process.stdout.write(block)) await once(process.stdout, 'drain');
    block = '';
  };
  let seen = 0;
  let pool: Pool | undefined;
  const judge = async (line: string) => {
    const terms = counter.snapshot();
    if (WORKERS > 1 && seen++ >= SEQUENTIAL) {
      pool ??= new Pool(WORKERS, BATCH, adapter, (out) => (block += out));
      await pool.add(line, countRepeats(line, repeats), terms);
    } else block += JSON.stringify(await classifyLine(line, deps, repeats, terms)) + '\n';
    if (block.length >= BLOCK) await flush();
  };
  // The first lines' articles are all counted before any line is judged; later ones as they come.
  for (const line of await readAhead(input, counter)) await judge(line);
  for (let next = await input.next(); !next.done; next = await input.next()) {
    countArticle(next.value, counter);
    await judge(next.value);
  }
  if (pool) await pool.close();
  if (block) await flush();
}

/** Worker threads that moderate batches; results are handed to `write` in input order. */
class Pool {
  private readonly threads: Worker[];
  private batch: Batch['items'] = [];
  private sent = 0;
  private written = 0;
  private readonly done = new Map<number, string>();
  private wake?: () => void;
  private failure?: Error;
  private terms?: SiteTerms;

  constructor(
    n: number,
    private readonly batchSize: number,
    adapter: SiteAdapter | undefined,
    private readonly write: (out: string) => void,
  ) {
    this.threads = Array.from({ length: n }, () => {
      const w = startThread(__dirname, 'classify-worker', { adapter });
      w.on('message', ({ id, out }: { id: number; out: string }) => {
        this.done.set(id, out);
        for (let o = this.done.get(this.written); o !== undefined; o = this.done.get(this.written)) {
          this.done.delete(this.written++);
          this.write(o);
        }
        this.wake?.();
      });
      w.on('error', (err) => ((this.failure = err), this.wake?.()));
      return w;
    });
  }

  /**
   * Queues a line to be judged with `terms`; resolves once there is room for more (at most two batches in flight
   * per thread). A new snapshot goes to every thread, after the lines queued before it.
   */
  async add(line: string, seenBefore: number, terms: SiteTerms | undefined): Promise<void> {
    if (terms !== this.terms && terms) {
      if (this.batch.length) this.send();
      this.terms = terms;
      const message: TermsMessage = { terms };
      for (const w of this.threads) w.postMessage(message);
    }
    this.batch.push([line, seenBefore]);
    if (this.batch.length >= this.batchSize) this.send();
    while (this.sent - this.written >= 2 * this.threads.length) await this.settled();
  }

  /** Sends what is queued and waits for every result. */
  async close(): Promise<void> {
    if (this.batch.length) this.send();
    while (this.written < this.sent) await this.settled();
    await Promise.all(this.threads.map((w) => w.terminate()));
  }

  private send(): void {
    const batch: Batch = { id: this.sent++, items: this.batch };
    this.threads[batch.id % this.threads.length].postMessage(batch);
    this.batch = [];
  }

  private async settled(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    if (this.failure) throw this.failure;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`classify: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});

/**
 * `npm run demo`: plays the CMS against a running service (start it first with `npm start`).
 * Sends each seed fixture's article (PUT) and comments (POST, in page order), signed with the site's
 * secret; receives the signed decision callbacks on 127.0.0.1; waits until every comment is decided;
 * prints one table per article. Exit code: 0 all decided, 1 something missing or wrong, 2 API down.
 *
 * Environment: API_URL (http://127.0.0.1:3000), DEMO_SITE (demo), DEMO_SECRET (demo-secret),
 * DEMO_MODERATOR_TOKEN (demo-moderator), DEMO_CALLBACK_PORT (4000; the site's callbackUrl must point
 * at it), DEMO_TIMEOUT_MS (60000), DEMO_RUN_ID (a fresh tag appended to every id so reruns get new
 * decisions and callbacks; set it empty to send the fixture ids unchanged).
 */
import { CmsClient, type CommentView } from '../src/client/cms-client';
import { startCallbackReceiver, type CallbackReceiver, type ReceivedCallback } from '../src/client/callback-receiver';
import { loadSeedFixtures, type SeedFixture } from '../test/fixtures/seeds';

const API_URL = process.env.API_URL ?? 'http://127.0.0.1:3000';
const SITE = process.env.DEMO_SITE ?? 'demo';
const SECRET = process.env.DEMO_SECRET ?? 'demo-secret';
const MODERATOR_TOKEN = process.env.DEMO_MODERATOR_TOKEN ?? 'demo-moderator';
const CALLBACK_PORT = Number(process.env.DEMO_CALLBACK_PORT ?? 4000);
const TIMEOUT_MS = Number(process.env.DEMO_TIMEOUT_MS ?? 60_000);
const RUN_ID = process.env.DEMO_RUN_ID ?? Date.now().toString(36);
/** After the last decision, how long to keep waiting for callbacks still in flight. */
const CALLBACK_GRACE_MS = 5_000;

const sentId = (fixtureId: string) => (RUN_ID ? `${fixtureId}-${RUN_ID}` : fixtureId);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const startedAt = Date.now();

/** One comment as sent: what the API said, and the decision once known. */
interface Tracked {
  id: string;
  fixtureId: string;
  author: string;
  body: string;
  /** Why the API did not accept it, if it did not. */
  error?: string;
  decision?: { status: string; codes: string[] };
  /** Decided before this run started (the same ids were sent before): no new callback will come. */
  decidedEarlier?: boolean;
}

async function apiIsUp(): Promise<boolean> {
  try {
    await fetch(`${API_URL}/healthz`, { signal: AbortSignal.timeout(3_000) });
    return true;
  } catch {
    return false;
  }
}

/** Waits (up to 15 s) for /readyz, e.g. while a fresh `npm start` connects to Redis; returns the last problem. */
async function waitUntilReady(): Promise<string | null> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`${API_URL}/readyz`, { signal: AbortSignal.timeout(3_000) }).catch(() => null);
    if (res && (res.ok || res.status === 404)) return null;
    const problem = res ? `HTTP ${res.status} ${(await res.text()).slice(0, 200)}` : 'no answer';
    if (Date.now() > deadline) return problem;
    await sleep(500);
  }
}

/** "HTTP 422 invalid_request: body: must not be empty" from an error response's `{error: {code, message}}`. */
function describeError(status: number, body: unknown): string {
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return [`HTTP ${status}`, error?.code, error?.message].filter(Boolean).join(' ');
}

/** Sends every article and its comments in order; returns the comments keyed by the id sent. */
async function sendFixtures(client: CmsClient, fixtures: SeedFixture[]): Promise<Map<string, Tracked>> {
  const tracked = new Map<string, Tracked>();
  for (const { article, comments } of fixtures) {
    const { id: articleId, ...articleInput } = article;
    const put = await client.putArticle(sentId(articleId), articleInput);
    if (!put.ok) throw new Error(`PUT article ${sentId(articleId)}: ${describeError(put.status, put.body)}`);
    for (const c of comments) {
      const id = sentId(c.id);
      const res = await client.postComment({
        ...c,
        id,
        articleId: sentId(c.articleId),
        ...(c.parentId !== undefined && { parentId: sentId(c.parentId) }),
      });
      tracked.set(id, {
        id,
        fixtureId: c.id,
        author: c.author.name ?? c.author.id,
        body: c.body,
        ...(res.status !== 202 && { error: describeError(res.status, res.body) }),
      });
    }
  }
  return tracked;
}

const callbacksFor = (receiver: CallbackReceiver, id: string): ReceivedCallback[] =>
  receiver.received.filter((r) => r.payload?.comment?.id === id);

/** Polls GET (as the moderator; signed if the token is refused) until all are decided or time runs out. */
async function waitForDecisions(client: CmsClient, tracked: Map<string, Tracked>, receiver: CallbackReceiver): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  let token: string | undefined = MODERATOR_TOKEN;
  const pending = () => [...tracked.values()].filter((t) => !t.error && !t.decision);
  while (pending().length > 0 && Date.now() < deadline) {
    for (const t of pending()) {
      const res = await client.getComment(t.id, token);
      if ((res.status === 401 || res.status === 403) && token !== undefined) {
        console.warn(`GET with the moderator token was refused (HTTP ${res.status}); polling with signed requests instead.`);
        token = undefined;
        continue;
      }
      const view = res.ok ? (res.body as CommentView) : undefined;
      const callback = callbacksFor(receiver, t.id).find((r) => r.verification.ok)?.payload;
      if (view && view.status !== 'queued') {
        t.decision = { status: view.status, codes: view.reasons.map((r) => r.code) };
        t.decidedEarlier = Boolean(view.decidedAt) && Date.parse(view.decidedAt!) < startedAt - 1_000;
      } else if (callback) t.decision = { status: callback.status, codes: callback.reasons.map((r) => r.code) };
    }
    if (pending().length > 0) await sleep(500);
  }
  // Callbacks are delivered after the decision is stored: give the ones in flight a moment.
  const graceEnd = Math.min(deadline, Date.now() + CALLBACK_GRACE_MS);
  const awaitingCallback = () => [...tracked.values()].some((t) => t.decision && !t.decidedEarlier && callbacksFor(receiver, t.id).length === 0);
  while (awaitingCallback() && Date.now() < graceEnd) await sleep(200);
}

function callbackCell(receiver: CallbackReceiver, t: Tracked): string {
  const got = callbacksFor(receiver, t.id);
  if (got.length === 0) return t.decidedEarlier ? 'none (decided in an earlier run)' : 'not received';
  const bad = got.find((r) => !r.verification.ok);
  if (bad && !bad.verification.ok) return `BAD SIGNATURE (${bad.verification.reason})`;
  return got.length === 1 ? 'verified' : `verified (x${got.length})`;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function excerpt(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function printReport(fixtures: SeedFixture[], tracked: Map<string, Tracked>, receiver: CallbackReceiver): void {
  for (const { article, comments } of fixtures) {
    console.log(`\n${sentId(article.id)}  ${excerpt(article.title, 80)}`);
    if (comments.length === 0) {
      console.log('  (no comments)');
      continue;
    }
    const rows = comments.map((c) => {
      const t = tracked.get(sentId(c.id))!;
      const status = t.error ? `REFUSED (${t.error.split(' ').slice(0, 2).join(' ')})` : (t.decision?.status ?? 'NO DECISION');
      const reasons = t.decision ? t.decision.codes.join(',') || '-' : '';
      return [t.fixtureId, t.author, excerpt(t.body), status, reasons, callbackCell(receiver, t)];
    });
    console.log(table(['comment', 'author', 'text', 'status', 'reasons', 'callback'], rows));
    for (const c of comments) {
      const t = tracked.get(sentId(c.id))!;
      if (t.error) console.log(`  ${t.fixtureId}: ${t.error}`);
    }
  }
}

async function main(): Promise<number> {
  const fixtures = loadSeedFixtures();
  if (!(await apiIsUp())) {
    console.error(`The API is not reachable at ${API_URL}. Start the service first (\`npm start\`), or set API_URL.`);
    return 2;
  }
  const notReady = await waitUntilReady();
  if (notReady) {
    console.error(`The API at ${API_URL} answers but is not ready (${notReady}). Check the service's log (is Redis up?).`);
    return 1;
  }
  let receiver: CallbackReceiver;
  try {
    receiver = await startCallbackReceiver({ secrets: [SECRET], port: CALLBACK_PORT });
  } catch (err) {
    console.error(`Cannot listen for callbacks on 127.0.0.1:${CALLBACK_PORT} (${(err as Error).message}). Set DEMO_CALLBACK_PORT and the site's callbackUrl to a free port.`);
    return 1;
  }
  try {
    console.log(`API ${API_URL}, site "${SITE}", callbacks on ${receiver.url}${RUN_ID ? `, run id "${RUN_ID}" appended to every id` : ''}`);
    const client = new CmsClient({ baseUrl: API_URL, site: SITE, secret: SECRET });
    const tracked = await sendFixtures(client, fixtures);
    console.log(`Sent ${fixtures.length} articles and ${tracked.size} comments; waiting up to ${TIMEOUT_MS / 1000} s for decisions…`);
    await waitForDecisions(client, tracked, receiver);
    printReport(fixtures, tracked, receiver);

    const all = [...tracked.values()];
    const refused = all.filter((t) => t.error);
    const undecided = all.filter((t) => !t.error && !t.decision);
    const badSignatures = receiver.received.filter((r) => !r.verification.ok);
    const noCallback = all.filter((t) => t.decision && !t.decidedEarlier && callbacksFor(receiver, t.id).length === 0);
    const decided = all.filter((t) => t.decision).length;
    console.log(`\n${decided}/${all.length} comments decided; ${receiver.received.length} callbacks received.`);
    const earlier = all.filter((t) => t.decidedEarlier).length;
    if (earlier > 0) console.log(`${earlier} comment(s) were already decided by an earlier run with the same ids (DEMO_RUN_ID="${RUN_ID}").`);
    if (all.some((t) => t.decision?.codes.includes('REPEAT_POST'))) {
      console.log('REPEAT_POST: earlier demo runs posted the same texts to this Redis; use a fresh REDIS_PREFIX for a clean run.');
    }
    if (noCallback.length > 0) {
      console.warn(`${noCallback.length} decided comment(s) got no callback: is the site's callbackUrl ${receiver.url}?`);
    }
    if (badSignatures.length > 0) console.error(`${badSignatures.length} callback(s) failed signature verification.`);
    if (undecided.length > 0) console.error(`${undecided.length} comment(s) got no decision: ${undecided.map((t) => t.fixtureId).join(', ')}.`);
    if (refused.length > 0) console.error(`${refused.length} comment(s) were refused by the API (see the lines under the tables).`);
    return undecided.length + refused.length + badSignatures.length > 0 ? 1 : 0;
  } finally {
    await receiver.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const unreachable = err instanceof TypeError && /fetch failed/.test(message);
    console.error(unreachable ? `Lost the API at ${API_URL} (${message}). Is \`npm start\` still running?` : `Demo failed: ${message}`);
    process.exitCode = unreachable ? 2 : 1;
  },
);

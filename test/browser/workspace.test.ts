/**
 * The moderators' workspace in real Chromium with a full queue (72 flagged comments on 6 articles),
 * at 1366×900 and 375×800: reader reports → Reported queue, overturning a rejection, banning an
 * author (pending comments rejected, CMS told), search, the counter against the API after mixed
 * actions and live events, the phone's list/item views, the shortcut overlay and undo, and a
 * reconnect that replays what was missed. Screenshots go to docs/screenshots only with
 * UPDATE_SCREENSHOTS=1 (otherwise to a temporary folder, so test runs leave the tree as it was).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CommentStore } from '../../src/infra/comment-store';
import { LabelStore } from '../../src/infra/label-store';
import { launchChromium, pageSession } from '../support/browser';
import { submitFlagged } from '../support/comments';
import { reason, seedFlagged, type FlaggedSeed } from '../support/flagged-seeder';
import { moderatorApi } from '../support/moderator-api';
import { startTestService, TOKENS, waitFor, type TestService } from '../support/service';

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? path.join(__dirname, '..', '..', 'docs', 'screenshots') : mkdtempSync(path.join(os.tmpdir(), 'shots-'));
const ARTICLES = [
  ['art-budget', 'Council publishes the 2027 budget: what changes for libraries'],
  ['art-tram', 'Tram line extension approved after a ten-year debate'],
  ['art-refugees', 'Refugees open a bakery on the high street'],
  ['art-match', 'Late equaliser earns a draw at home'],
  ['art-heat', 'Heatwave: the city opens cooling rooms'],
  ['art-vote', 'Turnout in the by-election falls to 31 percent'],
] as const;
const TEXTS: Array<[string, FlaggedSeed['reasons'][number]['code'], number, string]> = [
  ['Only an idiot would believe the council can pay for this.', 'INSULT', 0.91, 'idiot'],
  ['You are a clown and everybody on this page knows it.', 'INSULT', 0.84, 'clown'],
  ['People like you should be run out of town.', 'HARASSMENT', 0.78, 'run out of town'],
  ['What a load of crap, the reporter should be fired.', 'PROFANITY', 0.72, 'crap'],
  ['Shut up, moron, nobody asked you.', 'INSULT', 0.95, 'moron'],
  ['Typical lefty nonsense from a pathetic newspaper.', 'TOXICITY', 0.66, 'pathetic'],
  ['Go back to where you came from.', 'IDENTITY_ATTACK', 0.81, 'Go back to where you came from'],
  ['Buy cheap watches at my-watch-shop dot com!!!', 'SPAM', 0.88, 'my-watch-shop dot com'],
  ['The referee was blind, a disgrace, and so are you.', 'INSULT', 0.62, 'disgrace'],
  ['Straight line to bankruptcy, draw your own conclusions, dumbass.', 'INSULT', 0.7, 'dumbass'],
  ['Anyone who votes for them is a complete idiot.', 'INSULT', 0.89, 'idiot'],
  ['I hope someone teaches you a lesson you will not forget.', 'THREAT', 0.58, 'teaches you a lesson'],
];

// Generous per-test time for a slow, shared machine; every step waits for a condition, not a clock.
jest.setTimeout(90_000);

let service: TestService;
let browser: Browser;
const session = pageSession(() => browser, () => service);
const mod = () => moderatorApi(service);
const store = () => new CommentStore(service.redis, service.runtime.keys);
const apiTotal = async (query = '') => (await mod().get(`/queue?limit=1${query}`).expect(200)).body.total as number;
const shownTotal = async (page: Page) => Number(/\((\d+)\)/.exec((await page.locator('#total').textContent()) ?? '')?.[1]);
const row = (page: Page, text: string) => page.locator('#queue-list li', { hasText: text });

beforeAll(async () => {
  [service, browser] = await Promise.all([startTestService({ name: 'mod-workspace' }), launchChromium()]);
  for (const [id, title] of ARTICLES) await service.cms().putArticle(id, { title, body: `${title}. The full story, as published.`, url: `https://news.example/${id}` });
  const start = Date.now() - 6 * 3600_000;
  const items: FlaggedSeed[] = Array.from({ length: 72 }, (_, i) => {
    const [body, code, score, word] = TEXTS[i % TEXTS.length];
    const text = `${body} (#${i + 1})`;
    const reasons = [reason(code, score, text, word)];
    // A weak reason whose span is harmless: the page must not mark it.
    if (i % TEXTS.length === 9) reasons.push(reason('TOXICITY', 0.31, text, 'draw'));
    return { id: `w-${i + 1}`, articleId: ARTICLES[i % ARTICLES.length][0], authorId: i % 9 === 4 ? 'serial-troll' : `reader-${i % 23}`, body: text, reasons, receivedAt: new Date(start + i * 240_000) };
  });
  await seedFlagged(service.runtime, 'demo', items);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await service?.close();
});
afterEach(async () => {
  expect(await session.closePages()).toEqual([]); // no dialog, no script error, no failed load
});

async function open(page: Page, text: string) {
  const target = row(page, text);
  await target.scrollIntoViewIfNeeded();
  await target.locator('.row-open').click();
  await page.locator('#detail-body .comment-text', { hasText: text }).waitFor();
}

async function tab(page: Page, name: string) {
  await page.locator('#tabs button', { hasText: name }).click();
  await page.locator('#queue-name', { hasText: name }).waitFor();
}

describe('the workspace on a laptop (1366×900)', () => {
  it('marks only the words behind the decisive reasons, and shows the shortcut overlay on ?', async () => {
    const page = await session.signedIn();
    await open(page, '(#10)');
    await expect(page.locator('#detail-body .comment-text mark').allTextContents()).resolves.toEqual(['dumbass']);
    await page.locator('button.reason', { hasText: 'TOXICITY' }).click();
    await expect(page.locator('#detail-body .comment-text mark').allTextContents()).resolves.toEqual(['draw']);
    await page.keyboard.press('?');
    await page.locator('#help-dialog', { hasText: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('#help-dialog').waitFor({ state: 'hidden' });
    // Nothing fixed covers the action buttons.
    const covered = await page.evaluate(() =>
      ['act-approve', 'act-reject', 'act-escalate'].filter((id) => {
        const r = document.getElementById(id)!.getBoundingClientRect();
        return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.closest('button')?.id !== id;
      }),
    );
    expect(covered).toEqual([]);
  });

  it('shows a reader report in the Reported queue, with its reason on the item', async () => {
    const res = await service.cms().signed('POST', '/comments/w-2/reports', { reporterId: 'reader-report-1', reason: 'abusive', note: 'He keeps insulting people' });
    expect(res.status).toBe(201);
    const page = await session.signedIn();
    await tab(page, 'Reported');
    await expect(row(page, '(#2)').locator('.badge.reported').textContent()).resolves.toBe('1 report');
    await open(page, '(#2)');
    await expect(page.locator('#detail-body .reports').textContent()).resolves.toMatch(/abusive.*He keeps insulting people/);
  });

  it('overturns an automatic rejection from the Rejected queue, recorded as a label', async () => {
    await mod().post('/queue/w-3/reject', { reasonCode: 'HARASSMENT' }).expect(200);
    const page = await session.signedIn();
    await tab(page, 'Rejected');
    await open(page, '(#3)');
    await page.locator('#act-approve', { hasText: 'Approve (overturn)' }).click();
    await row(page, '(#3)').waitFor({ state: 'detached' });
    await page.locator('#status', { hasText: 'Approved the comment by Author reader-2 (overturned)' }).waitFor();
    await page.locator('#status[data-empty="true"]').waitFor({ state: 'attached', timeout: 30_000 }); // the message clears itself
    expect((await store().get('demo', 'w-3'))?.status).toBe('approved');
    const labels: string[] = [];
    for await (const l of new LabelStore(service.redis, service.runtime.keys).all('demo')) if (l.commentId === 'w-3') labels.push('label' in l ? l.label : 'retracted');
    expect(labels).toEqual(['rejected', 'approved']);
  });

  it('bans an author from the item: their pending comments are rejected and the CMS gets a signed callback', async () => {
    const before = await apiTotal('&authorId=serial-troll');
    expect(before).toBeGreaterThanOrEqual(7);
    const page = await session.signedIn();
    await open(page, '(#5)'); // w-5 is serial-troll's
    await page.locator('[data-author-action="ban"]').click();
    await page.locator('#author-pending').check();
    await page.getByLabel('Why (optional, kept in the audit trail)').fill('serial abuse across articles');
    await page.locator('#author-confirm').click();
    await page.locator('#status', { hasText: `${before} pending comments rejected` }).waitFor();
    expect((await mod().get('/authors/serial-troll').expect(200)).body.state.banned).toMatchObject({ by: 'demo-moderator' });
    await waitFor(async () => ((await apiTotal('&authorId=serial-troll')) === 0 ? true : undefined), 'the author’s queue to empty');
    await waitFor(async () => ((await page.locator('#queue-list li', { hasText: '(#14)' }).count()) === 0 ? true : undefined), 'the author’s rows to leave the list');
    const callback = await waitFor(
      () => service.receiver.received.find((c) => (c.payload as unknown as { type?: string; user?: { id: string } })?.type === 'user.moderated' && (c.payload as unknown as { user: { id: string } }).user.id === 'serial-troll'),
      'the user.moderated callback',
    );
    expect(callback.verification).toEqual({ ok: true });
    expect(callback.payload).toMatchObject({ action: 'ban', decidedBy: 'demo-moderator', note: 'serial abuse across articles' });
  });

  it('searches by text and by author', async () => {
    const page = await session.signedIn();
    await page.locator('#search-q').fill('watches');
    await page.locator('#search button[type="submit"]').click();
    await page.locator('#queue-name', { hasText: 'Search results' }).waitFor();
    const found = await page.locator('#queue-list li .excerpt').allTextContents();
    expect(found.length).toBeGreaterThanOrEqual(5);
    expect(found.every((t) => t.includes('watches'))).toBe(true);
    await page.locator('#search-in').selectOption('authorId');
    await page.locator('#search-q').fill('reader-7');
    await page.locator('#search button[type="submit"]').click();
    // The second search replaces the first one's rows when its answer arrives; until then the
    // list can still hold the 'watches' results (some of them reader-7's), so wait for the swap.
    const expected = (await mod().get('/search?authorId=reader-7&limit=50').expect(200)).body.items.length as number;
    expect(expected).toBeGreaterThan(0);
    const rows = page.locator('#queue-list li');
    const mine = page.locator('#queue-list li', { hasText: 'Author reader-7' });
    await waitFor(async () => ((await rows.count()) === expected && (await mine.count()) === expected ? true : undefined), 'only reader-7’s comments to be listed');
  });

  it('shows a whole article thread in order from the item', async () => {
    const page = await session.signedIn();
    await open(page, '(#12)'); // on art-vote, like #6, #18 … #72
    await page.locator('button[data-action="article"]').click();
    await page.locator('#queue-name', { hasText: 'Article art-vote' }).waitFor();
    const numbers = (await page.locator('#queue-list li .excerpt').allTextContents()).map((t) => Number(/\(#(\d+)\)/.exec(t)?.[1]));
    const expected = (await mod().get('/queue?queue=article&articleId=art-vote&limit=100').expect(200)).body.items.map((i: { body: string }) => Number(/\(#(\d+)\)/.exec(i.body)?.[1]));
    expect(numbers).toEqual(expected);
    expect(numbers.length).toBeGreaterThanOrEqual(10);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers); // seeded oldest first: thread order
  });

  it('keeps the undo of the last decision when a colleague’s decision is announced meanwhile', async () => {
    const page = await session.signedIn();
    await open(page, '(#13)');
    await row(page, '(#15)').waitFor();
    await page.keyboard.press('a');
    await page.locator('#status', { hasText: 'Approved' }).waitFor();
    await moderatorApi(service, TOKENS.second).post('/queue/w-15/approve').expect(200);
    await page.locator('#status', { hasText: 'was approved by' }).waitFor();
    await page.keyboard.press('u');
    await page.locator('#status', { hasText: 'Undone' }).waitFor();
    await row(page, '(#13)').waitFor();
  });

  it('keeps the counter equal to the API’s after keyboard decisions, undo, a colleague’s decisions and new flags', async () => {
    const page = await session.signedIn();
    await expect(shownTotal(page)).resolves.toBe(await apiTotal());
    await open(page, '(#11)');
    await page.keyboard.press('a');
    await row(page, '(#11)').waitFor({ state: 'detached' });
    await page.keyboard.press('a');
    await page.locator('#status', { hasText: 'Approved' }).waitFor();
    await page.keyboard.press('u');
    await page.locator('#status', { hasText: 'Undone' }).waitFor();
    await page.keyboard.press('r');
    await page.getByLabel('Reason', { exact: true }).selectOption('INSULT');
    await page.locator('#reject-confirm').click();
    // A colleague decides one comment on this page and one far down the queue; two new comments are flagged.
    const visible = (await page.locator('#queue-list li').nth(3).getAttribute('data-id'))!;
    const second = moderatorApi(service, TOKENS.second);
    await second.post(`/queue/${visible}/approve`).expect(200);
    await second.post('/queue/w-70/reject', { reasonCode: 'SPAM' }).expect(200);
    await submitFlagged(service, { id: 'live-new-1', articleId: 'art-tram', body: 'live: you absolute idiot' });
    await submitFlagged(service, { id: 'live-new-2', articleId: 'art-tram', body: 'live: what a moron' });
    await row(page, 'live: what a moron').waitFor();
    const expected = await apiTotal();
    await waitFor(async () => ((await shownTotal(page)) === expected ? true : undefined), `the counter to show ${expected}`);
    await row(page, visible).waitFor({ state: 'detached' }).catch(() => undefined);
    expect(await page.locator(`#queue-list li[data-id="${visible}"]`).count()).toBe(0);
  });

  it('replays the events missed while the live connection was down', async () => {
    const page = await session.signedIn();
    const before = await page.evaluate(() => (window as unknown as { __moderation: { ready: unknown[] } }).__moderation.ready.length);
    await page.route('**/moderation/events?**', (route) => route.abort());
    await page.evaluate(() => (window as unknown as { __moderation: { live: { drop(): void } } }).__moderation.live.drop());
    await page.locator('#live', { hasText: 'Reconnecting' }).waitFor();
    const gone = (await page.locator('#queue-list li').nth(1).getAttribute('data-id'))!;
    await moderatorApi(service, TOKENS.second).post(`/queue/${gone}/approve`).expect(200);
    await submitFlagged(service, { id: 'missed-1', articleId: 'art-heat', body: 'missed: you are a pathetic idiot' });
    await page.unroute('**/moderation/events?**');
    await page.locator('body[data-live="connected"]').waitFor({ timeout: 20_000 });
    const ready = await page.evaluate((n) => (window as unknown as { __moderation: { ready: Array<{ replayed: number; gap: boolean }> } }).__moderation.ready.slice(n), before);
    expect(ready.at(-1)).toMatchObject({ gap: false });
    expect(ready.at(-1)!.replayed).toBeGreaterThanOrEqual(2);
    await row(page, 'missed: you are a pathetic idiot').waitFor();
    await waitFor(async () => ((await page.locator(`#queue-list li[data-id="${gone}"]`).count()) === 0 ? true : undefined), 'the approved comment to leave the list');
    const expected = await apiTotal();
    await waitFor(async () => ((await shownTotal(page)) === expected ? true : undefined), `the counter to show ${expected}`);
  });

  it('takes the laptop screenshots with a full queue', async () => {
    await service.cms().signed('POST', '/comments/w-1/reports', { reporterId: 'reader-report-2', reason: 'offensive' });
    const page = await session.signedIn();
    await page.locator('#queue-list li .row-open').first().click();
    await page.locator('#author-panel .author-actions').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'queue-desktop.png') });
    await page.goto(`${service.baseUrl}/moderate/desk.html`);
    await page.locator('#chart-overturns svg').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'desk.png'), fullPage: true });
  });
});

describe('the workspace on a phone (375×800)', () => {
  it('fits the screen and shows the tapped item with its actions without scrolling past the list', async () => {
    const page = await session.signedIn(375, 800);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await page.locator('#queue-list li').count()).toBeGreaterThanOrEqual(50);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'queue-phone.png') });
    const target = page.locator('#queue-list li').nth(40);
    const text = (await target.locator('.excerpt').textContent())!;
    await target.scrollIntoViewIfNeeded();
    await target.locator('.row-open').click();
    await page.locator('#detail-body .comment-text', { hasText: text.slice(0, 20) }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    for (const id of ['act-approve', 'act-reject', 'act-escalate']) {
      const box = (await page.locator(`#${id}`).boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(800);
    }
    await expect(page.locator('#queue').isVisible()).resolves.toBe(false);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'item-phone.png') });
    const id = (await target.getAttribute('data-id'))!;
    await page.locator('#act-escalate').click();
    await waitFor(async () => ((await store().get('demo', id))?.decision?.escalated ? true : undefined), 'the escalation');
    await page.locator('#back').click();
    await page.locator('#queue').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });
});

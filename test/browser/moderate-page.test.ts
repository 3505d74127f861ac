/**
 * The moderators' page in real Chromium (playwright-core, Debian's /usr/bin/chromium) against the
 * real service: sign in, highlighted spans, keyboard decisions, live updates, and attacker-controlled
 * text shown as inert text under the strict Content-Security-Policy. (The full-queue workspace and its
 * screenshots: workspace.test.ts.)
 */
import type { Browser, Page } from 'playwright-core';
import { CommentStore } from '../../src/infra/comment-store';
import { loadSeed, submitFlagged } from '../support/comments';
import { launchChromium, pageSession } from '../support/browser';
import { startTestService, waitFor, type TestService } from '../support/service';

const XSS_TITLE = '<script>window.__xss = "title"</script> Budget <b>vote</b>';
const XSS_NAME = '<img src=x onerror="window.__xss = \'name\'">';
const XSS_BODY = '<script>window.__xss = "body"</script> javascript:alert(1) <img src=x onerror=alert(1)> you are an idiot';

let service: TestService;
let browser: Browser;
const session = pageSession(() => browser, () => service);
const signedIn = (width = 1280, height = 800) => session.signedIn(width, height);

beforeAll(async () => {
  [service, browser] = await Promise.all([startTestService({ name: 'mod-page' }), launchChromium()]);
  await loadSeed(service, '004');
  await service.cms().putArticle('xss-article', { title: XSS_TITLE, body: 'An article whose title tries to run a script.' });
  await submitFlagged(service, { id: 'xss-1', articleId: 'xss-article', author: { id: 'mallory', name: XSS_NAME }, body: XSS_BODY });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service?.close();
});

const row = (page: Page, text: string) => page.locator('#queue-list li', { hasText: text });
const record = (id: string) => new CommentStore(service.redis, service.runtime.keys).get('demo', id);

async function open(page: Page, text: string) {
  await row(page, text).locator('.row-open').click();
  await page.locator('#detail-body .comment-text', { hasText: text }).waitFor();
}

afterEach(async () => {
  expect(await session.closePages()).toEqual([]); // no dialog, no script error, no failed load
});

describe('the moderation page', () => {
  it('signs in and shows a flagged seed comment with its offending word highlighted and its context', async () => {
    const page = await signedIn();
    await expect(page.locator('#who').textContent()).resolves.toBe('Signed in as demo-moderator');
    await open(page, "Don't cry pussy!");
    await expect(page.locator('#detail-body mark').allTextContents()).resolves.toContain('pussy');
    await expect(page.locator('#detail-body .article-title').textContent()).resolves.toMatch(/\w/);
    await expect(page.locator('#detail-body .parent').textContent()).resolves.toContain('According to Statistica');
  });

  it('approves the current comment with the keyboard (j/k to move, a to approve)', async () => {
    const page = await signedIn();
    await open(page, "Don't cry pussy!");
    // Away to a neighbour and back (the queue's order follows the scores: the row may be first or last).
    const rows = await page.locator('#queue-list li').allTextContents();
    const last = rows.findIndex((t) => t.includes("Don't cry pussy!")) === rows.length - 1;
    await page.keyboard.press(last ? 'k' : 'j');
    await page.waitForFunction(() => !document.querySelector('#detail-body .comment-text')?.textContent?.includes("Don't cry pussy!"));
    await page.keyboard.press(last ? 'j' : 'k');
    await page.locator('#detail-body .comment-text', { hasText: "Don't cry pussy!" }).waitFor();
    await page.keyboard.press('a');
    await row(page, "Don't cry pussy!").waitFor({ state: 'detached' });
    // The live update of the decision may remove the row before the page has the API's answer and says so.
    await page.locator('#status-text', { hasText: /^Approved/ }).waitFor();
    expect((await record('seed-004-c2'))?.decision).toMatchObject({ decidedBy: 'demo-moderator' });
    expect((await record('seed-004-c2'))?.status).toBe('approved');
  });

  it('rejects with r, a reason and a note', async () => {
    const page = await signedIn();
    await open(page, 'saying you’re a pussy');
    await page.keyboard.press('r');
    await page.getByLabel('Reason', { exact: true }).selectOption('HARASSMENT');
    await page.getByLabel('Note for the record (optional)').fill('second insult in the thread');
    await page.locator('#reject-confirm').click();
    await row(page, 'saying you’re a pussy').waitFor({ state: 'detached' });
    const stored = await record('seed-004-c4');
    expect(stored?.status).toBe('rejected');
    expect(stored?.history.at(-1)).toMatchObject({ event: 'moderated', codes: ['HARASSMENT'], note: 'second insult in the thread' });
  });

  it('shows a comment flagged elsewhere as it happens, without a reload', async () => {
    const page = await signedIn();
    await submitFlagged(service, { id: 'live-1', body: 'live: what a moron you are', author: { id: 'late', name: 'Late Poster' } });
    await row(page, 'what a moron you are').waitFor({ timeout: 5000 });
    await expect(page.locator('#status').textContent()).resolves.toMatch(/new comment was flagged/i);
  });

  it('shows script, image and javascript: payloads in text, title and name as inert text', async () => {
    const page = await signedIn();
    await open(page, 'javascript:alert(1)');
    await expect(page.locator('#detail-body .comment-text').textContent()).resolves.toBe(XSS_BODY);
    await expect(page.locator('#detail-body .article-title').textContent()).resolves.toBe(XSS_TITLE);
    await expect(page.locator('#detail-body .comment-author').textContent()).resolves.toContain(XSS_NAME);
    await expect(row(page, 'javascript:alert(1)').textContent()).resolves.toContain(XSS_NAME);
    expect(await page.locator('img, script:not([src]), b, a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  });
});

describe('claims from the page', () => {
  it('claims the open comment and lets it go when the tab closes', async () => {
    const page = await signedIn();
    await open(page, 'what a moron you are');
    await waitFor(async () => ((await service.redis.get(service.runtime.keys.claim('demo', 'live-1'))) === 'demo-moderator' ? true : undefined), 'the claim');
    await page.close({ runBeforeUnload: true });
    await waitFor(async () => ((await service.redis.exists(service.runtime.keys.claim('demo', 'live-1'))) === 0 ? true : undefined), 'the release');
  });
});

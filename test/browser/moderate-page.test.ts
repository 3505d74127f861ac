/**
 * The moderators' page in real Chromium (playwright-core, Debian's /usr/bin/chromium) against the
 * real service: sign in, highlighted spans, keyboard decisions, live updates, and attacker-controlled
 * text shown as inert text under the strict Content-Security-Policy. Saves screenshots to docs/.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CommentStore } from '../../src/infra/comment-store';
import { loadSeed, submitFlagged } from '../support/comments';
import { startTestService, TOKENS, waitFor, type TestService } from '../support/service';

// docs/screenshots is refreshed on request (UPDATE_SCREENSHOTS=1 npx jest test/browser), so a test run
// leaves the working tree as it was.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? path.join(__dirname, '..', '..', 'docs', 'screenshots') : mkdtempSync(path.join(os.tmpdir(), 'shots-'));
const XSS_TITLE = '<script>window.__xss = "title"</script> Budget <b>vote</b>';
const XSS_NAME = '<img src=x onerror="window.__xss = \'name\'">';
const XSS_BODY = '<script>window.__xss = "body"</script> javascript:alert(1) <img src=x onerror=alert(1)> you are an idiot';

let service: TestService;
let browser: Browser;
const problems: string[] = [];
const pages: Page[] = [];

beforeAll(async () => {
  [service, browser] = await Promise.all([
    startTestService({ name: 'mod-page' }),
    chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
  ]);
  await loadSeed(service, '004');
  await service.cms().putArticle('xss-article', { title: XSS_TITLE, body: 'An article whose title tries to run a script.' });
  await submitFlagged(service, { id: 'xss-1', articleId: 'xss-article', author: { id: 'mallory', name: XSS_NAME }, body: XSS_BODY });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service?.close();
});

async function signedIn(width = 1280, height = 800): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  pages.push(page);
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !/401|409/.test(m.text()) && problems.push(`console: ${m.text()}`));
  await page.goto(`${service.baseUrl}/moderate`);
  await page.getByLabel('Moderator token').fill(TOKENS.demo);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('body[data-live="connected"]').waitFor();
  return page;
}

const row = (page: Page, text: string) => page.locator('#queue-list li', { hasText: text });
const record = (id: string) => new CommentStore(service.redis, service.runtime.keys).get('demo', id);

async function open(page: Page, text: string) {
  await row(page, text).locator('.row-open').click();
  await page.locator('#detail-body .comment-text', { hasText: text }).waitFor();
}

afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
  expect(problems.splice(0)).toEqual([]); // no dialog, no script error, no failed load
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
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.locator('#detail-body .comment-text', { hasText: "Don't cry pussy!" }).waitFor();
    await page.keyboard.press('a');
    await row(page, "Don't cry pussy!").waitFor({ state: 'detached' });
    await expect(page.locator('#status').textContent()).resolves.toMatch(/Approved/);
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

  it('takes screenshots of the queue on a laptop and a phone', async () => {
    for (const [id, body] of [['shot-1', 'Only an idiot would believe NATO planned this.'], ['shot-2', 'You stupid troll, read the article.']]) {
      await submitFlagged(service, { id, body, articleId: 'seed-004', author: { id: `author-${id}`, name: id === 'shot-1' ? 'Kim' : 'Alex' } });
    }
    const desktop = await signedIn(1280, 800);
    await open(desktop, 'Only an idiot');
    await desktop.keyboard.press('x');
    await desktop.screenshot({ path: path.join(SCREENSHOTS, 'queue-desktop.png') });
    const phone = await signedIn(375, 740);
    await open(phone, 'Only an idiot');
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375); // no sideways scrolling on a phone
    await phone.screenshot({ path: path.join(SCREENSHOTS, 'queue-phone.png'), fullPage: true });
    await Promise.all(pages.splice(0).map((p) => p.close()));
    await waitFor(() => (service.moderation.hub.listenerCount('demo') === 0 ? true : undefined), 'streams to close with their pages');
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

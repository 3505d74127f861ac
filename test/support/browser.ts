/**
 * Real Chromium for page tests (playwright-core, Debian's /usr/bin/chromium): launch, and a signed-in
 * page on the moderators' page that records every script error, failed load and browser dialog, so
 * a test can assert there were none.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { TOKENS, type TestService } from './service';

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

export interface PageSession {
  /** A new signed-in page, live updates connected. */
  signedIn(width?: number, height?: number, token?: string): Promise<Page>;
  /** Closes the pages opened so far and returns (and forgets) the problems they recorded. */
  closePages(): Promise<string[]>;
}

export function pageSession(browser: () => Browser, service: () => TestService): PageSession {
  const problems: string[] = [];
  const pages: Page[] = [];
  return {
    async signedIn(width = 1366, height = 900, token = TOKENS.demo) {
      const page = await browser().newPage({ viewport: { width, height } });
      pages.push(page);
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && !/401|409|ERR_FAILED|ERR_ABORTED|EventSource/.test(m.text()) && problems.push(`console: ${m.text()}`));
      await page.goto(`${service().baseUrl}/moderate`);
      await page.getByLabel('Moderator token').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('body[data-live="connected"]').waitFor();
      return page;
    },
    async closePages() {
      await Promise.all(pages.splice(0).map((p) => p.close()));
      return problems.splice(0);
    },
  };
}

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');

/**
 * Debian's Chromium driven through playwright-core, for the console's tests: pages that record their uncaught
 * script errors, sign-in as an operator does it, and screenshots into test/artifacts.
 */
export class ConsoleBrowser {
  /** Uncaught errors in the console's scripts, of every page opened. */
  readonly pageErrors: string[] = [];

  private constructor(
    private readonly browser: Browser,
    private readonly base: string,
  ) {}

  /** Fails loudly (no skip) when Chromium is missing: .ci/run installs it. */
  static async launch(httpPort: string): Promise<ConsoleBrowser> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    return new ConsoleBrowser(browser, `http://127.0.0.1:${httpPort}`);
  }

  url(path = '/'): string {
    return `${this.base}${path}`;
  }

  async open(viewport = { width: 1280, height: 800 }, timeoutMs = 10_000): Promise<Page> {
    const page = await this.browser.newPage({ viewport });
    page.setDefaultTimeout(timeoutMs);
    page.on('pageerror', (error) => this.pageErrors.push(String(error)));
    return page;
  }

  /** Signs in with an API token and waits for the landing page, the overview. */
  async signIn(page: Page, secret: string): Promise<void> {
    await page.goto(this.url());
    await page.getByLabel('API token').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
  }

  /** Signs in, then opens the Rules page. */
  async signInToRules(page: Page, secret: string): Promise<void> {
    await this.signIn(page, secret);
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    await page.getByRole('heading', { name: 'Rules', exact: true }).waitFor();
  }

  screenshot(page: Page, name: string, path = join(ARTIFACTS, `${name}.png`)): Promise<Buffer> {
    return page.screenshot({ path, fullPage: true });
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

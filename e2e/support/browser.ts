import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ARTIFACTS } from './paths';

/** Debian's Chromium (apt-get install chromium); override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** How long a failed test's screenshot of one page may take. */
const FAILURE_SCREENSHOT_TIMEOUT_MS = 10_000;
/**
 * How long closing a context may take. Chromium now and then never answers `Target.disposeBrowserContext`
 * (seen once in CI: a 120 s hook timeout); past this the whole browser is replaced.
 */
const CONTEXT_CLOSE_TIMEOUT_MS = 15_000;

/** Resolves `true` when `work` settles within `ms`, `false` when it does not (`work` keeps running). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Headless, sandbox-less (CI runs as root), no background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Launches Chromium through playwright-core. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Collects console errors and uncaught page errors of every page it watches. Tests fail on any of them,
 * except messages matching a pattern the test declared expected with {@link ConsoleErrors.allow} (e.g. the
 * browser's own "Failed to load resource: … 409" line for a request the test makes the server refuse).
 */
export class ConsoleErrors {
  private readonly errors: string[] = [];
  private allowed: RegExp[] = [];

  /** Records `page`'s errors under `label` while `live()` says so (a context being closed belongs to no test). */
  watch(page: Page, label: string, live: () => boolean = () => true): void {
    page.on('console', (message) => {
      if (message.type() !== 'error' || !live()) return;
      const { url, lineNumber } = message.location();
      this.record(`[${label}] console.error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
    });
    page.on('pageerror', (error) => {
      if (live()) this.record(`[${label}] page error: ${error.stack ?? error.message}`);
    });
  }

  /** Ignores errors matching `pattern` until {@link ConsoleErrors.reset}. */
  allow(pattern: RegExp): void {
    this.allowed.push(pattern);
  }

  /** The errors recorded so far. */
  list(): string[] {
    return [...this.errors];
  }

  /** Forgets the errors and the allowed patterns (between tests). */
  reset(): void {
    this.errors.length = 0;
    this.allowed = [];
  }

  /** @throws Error listing every unexpected console/page error */
  assertNone(): void {
    if (this.errors.length > 0) throw new Error(`console/page errors:\n${this.errors.join('\n')}`);
  }

  private record(line: string): void {
    if (this.allowed.some((pattern) => pattern.test(line))) return;
    this.errors.push(line);
  }
}

/** One operator's browser context (own cookies and localStorage) with its first page. */
export type OperatorSession = { username: string; context: BrowserContext; page: Page };

/** Signs in through the login page and waits for the signed-in header. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('me-name').waitFor({ state: 'visible' });
}

/** Saves a full-page PNG as e2e/artifacts/<name>.png; @returns its path */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name.replace(/[^\p{L}\p{N}.-]+/gu, '_')}.png`);
  // Let list animations (inserts fade in) settle so the picture shows the final state.
  await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The browser of one test file: one Chromium, a context per operator, console errors collected from every page.
 * Call {@link E2EBrowser.afterEach} after each test and {@link E2EBrowser.close} at the end.
 */
export class E2EBrowser {
  readonly consoleErrors = new ConsoleErrors();
  private readonly contexts: { label: string; context: BrowserContext; live: boolean }[] = [];

  private constructor(
    private chromium: Browser,
    readonly baseURL: string,
  ) {}

  /** The Chromium in use (replaced after a context that would not close). */
  get browser(): Browser {
    return this.chromium;
  }

  static async open(baseURL: string): Promise<E2EBrowser> {
    return new E2EBrowser(await launchBrowser(), baseURL);
  }

  /** A fresh context (English unless `locale` says otherwise) whose pages are watched for console errors. */
  async newContext(label: string, options: { locale?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const locale = options.locale ?? 'en-US';
    const context = await this.chromium.newContext({
      baseURL: this.baseURL,
      locale,
      extraHTTPHeaders: { 'accept-language': locale },
      viewport: { width: 1280, height: 860 },
    });
    context.setDefaultTimeout(15_000);
    context.setDefaultNavigationTimeout(30_000);
    let n = 0;
    const entry = { label, context, live: true };
    context.on('page', (page) => this.consoleErrors.watch(page, `${label}#${++n}`, () => entry.live));
    this.contexts.push(entry);
    const page = await context.newPage();
    return { context, page };
  }

  /** A new context for `username`, signed in through the login page. */
  async operator(username: string, password: string, options: { locale?: string } = {}): Promise<OperatorSession> {
    const { context, page } = await this.newContext(username, options);
    await signIn(page, username, password);
    return { username, context, page };
  }

  /**
   * After a test: screenshots every open page when the test failed, closes the test's contexts, then throws
   * when a page logged an unexpected console error.
   */
  async afterEach(testName: string, failed: boolean): Promise<void> {
    const errors = this.consoleErrors.list();
    this.consoleErrors.reset();
    if (failed) {
      if (errors.length > 0) console.warn(`console/page errors during "${testName}":\n${errors.join('\n')}`);
      for (const { label, context } of this.contexts) {
        let i = 0;
        for (const page of context.pages()) {
          // Bounded: a page that is busy navigating (e.g. just signed out) must not hang the hook.
          await Promise.race([
            screenshot(page, `FAILED-${testName}-${label}-${++i}`).catch(() => undefined),
            new Promise((resolve) => setTimeout(resolve, FAILURE_SCREENSHOT_TIMEOUT_MS)),
          ]);
        }
      }
    }
    const closing = this.contexts.splice(0);
    for (const entry of closing) entry.live = false; // whatever closing the pages logs belongs to no test
    let stuck = false;
    for (const { context } of closing) {
      if (!(await settlesWithin(context.close(), CONTEXT_CLOSE_TIMEOUT_MS))) stuck = true;
    }
    if (stuck) await this.replaceBrowser();
    this.consoleErrors.reset();
    if (!failed && errors.length > 0) throw new Error(`console/page errors:\n${errors.join('\n')}`);
  }

  async close(): Promise<void> {
    await settlesWithin(this.chromium.close(), CONTEXT_CLOSE_TIMEOUT_MS);
  }

  /** Abandons a Chromium that stopped answering (Playwright kills it when the test process exits). */
  private async replaceBrowser(): Promise<void> {
    console.warn('a browser context did not close in time; the next test gets a new Chromium');
    const old = this.chromium;
    this.chromium = await launchBrowser();
    void settlesWithin(old.close(), CONTEXT_CLOSE_TIMEOUT_MS);
  }
}

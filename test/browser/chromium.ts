// One headless Chromium for a test file (Debian's /usr/bin/chromium driven by playwright-core; no browser
// download). `launchChromium` returns null when the binary is missing, so the caller can skip loudly.
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

/** Debian's chromium package installs here (test/setup/ensure-services.mjs installs it when root). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, offline, sandbox-less headless run (CI runs as root). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A launched browser and how to throw it away. */
export interface LaunchedChromium {
  browser: Browser;
  close(): Promise<void>;
}

/** Why the browser tests cannot run when the binary is missing, and how to get it. */
export const CHROMIUM_MISSING = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium; as root, test/setup/ensure-services.mjs and .ci/run install it)`;

/** Whether the browser binary is there. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Launches Chromium; playwright gives each launch a fresh temporary profile (--user-data-dir) and removes it. */
export async function launchChromium(): Promise<LaunchedChromium> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  return { browser, close: () => browser.close().catch(() => undefined) };
}

/** A page that records console errors, failed requests and uncaught exceptions. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Everything that went wrong in the page so far. */
  problems: string[];
}

/** Opens a new context (its own storage, like another person) and a page in it. */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  // Well under the test timeout, so a step that hangs fails with its own name.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`requestfailed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  return { context, page, problems };
}

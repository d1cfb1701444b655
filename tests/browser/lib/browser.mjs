// One Chromium per spec file, a fresh context (cookies, storage) per test, and the guards every
// test gets for free: no request leaves the app's host, no console error (a CSP violation shows
// up as one), and a screenshot of the page when a test fails.
import { after, test } from 'node:test';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { artifactsDir, baseURL, chromiumArgs, chromiumPath } from './env.mjs';

let launched = null;

/// The shared browser of this spec file (started on first use, closed after the file).
export async function browser() {
  if (!launched) {
    launched = chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  }
  return launched;
}

after(async () => {
  if (launched) {
    await (await launched).close();
    launched = null;
  }
});

const safeName = (s) => s.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);

/// A new context (like a new private window) with the guards attached.
export async function newSession({ viewport = { width: 1280, height: 900 }, locale = 'nb-NO' } = {}) {
  const b = await browser();
  const context = await b.newContext({ viewport, locale, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const problems = [];
  const origin = new URL(baseURL).origin;
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== origin && u.protocol !== 'data:' && u.protocol !== 'blob:') {
      problems.push(`a request left the app's host: ${route.request().url()}`);
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const text = msg.text();
      // A page answered with an error status is logged by Chromium; the tests check statuses.
      if (/Failed to load resource: the server responded with a status of/.test(text)) return;
      problems.push(`console error on ${page.url()}: ${text}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
  return { context, page, problems };
}

/// A test with a fresh browser session. `fn({ page, context, t })`.
export function browserTest(name, fn, options = {}) {
  test(name, options, async (t) => {
    const { context, page, problems } = await newSession(options.session);
    try {
      await fn({ page, context, t });
      if (problems.length) {
        throw new Error(`the browser reported problems:\n  ${problems.join('\n  ')}`);
      }
    } catch (e) {
      const shot = join(artifactsDir, `FAILED-${safeName(name)}.png`);
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      console.error(`  failed at ${page.url()}; screenshot: ${shot}`);
      throw e;
    } finally {
      await context.close();
    }
  });
}

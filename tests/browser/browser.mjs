// Debian's Chromium driven by playwright-core (which never downloads a
// browser of its own), and a watcher that records what a page did wrong
// while it loaded: console errors, uncaught exceptions, requests that
// failed and responses with an HTTP error status.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update',
      '--disable-sync'],
  });
}

// watch(page) starts recording; the returned function gives the problems
// seen so far, one line each.
export function watch(page) {
  const problems = [];
  page.on('console', m => {
    const l = m.location();
    // Chromium's own request for /favicon.ico logs an error that may or
    // may not arrive before the test ends; iconProblem() checks the icon
    // deterministically instead.
    if (m.type() === 'error' && !/\/favicon\.ico$/.test(l.url || '')) {
      problems.push(`console error: ${m.text()}` + (l.url ? ` (${l.url}:${l.lineNumber + 1})` : ''));
    }
  });
  page.on('pageerror', e => problems.push(`uncaught exception: ${e.message}`));
  page.on('requestfailed', r =>
    problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', r => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return () => problems.slice();
}

// The icon a browser fetches for the page: the one its <link rel="icon">
// names, or else /favicon.ico.  Returns a problem line if it is missing.
export async function iconProblem(page) {
  const declared = await page.evaluate(() => document.querySelector('link[rel~="icon"]')?.href);
  const url = declared || new URL('/favicon.ico', page.url()).href;
  const r = await page.request.get(url);
  if (r.ok()) return null;
  return declared
    ? `HTTP ${r.status()}: the icon ${url} that <link rel="icon"> names`
    : `HTTP ${r.status()}: ${url} — the page declares no <link rel="icon">, so the browser requests /favicon.ico, which the site does not have (Chromium logs "Failed to load resource" for it)`;
}

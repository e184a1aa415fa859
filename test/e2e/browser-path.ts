import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium, else a browser Playwright installed itself. */
export function findChromium(): { path: string } | { missing: string } {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // Playwright has no browser of its own here
  }
  for (const c of candidates) if (c && existsSync(c)) return { path: c };
  return {
    missing:
      'No Chromium found: set CHROMIUM_PATH, or install it (Debian: `apt-get install -y chromium`). The e2e tests need a real browser.',
  };
}

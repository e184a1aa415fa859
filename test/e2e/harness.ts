import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './browser-path.ts';
import { root, startServe } from './serve-process.ts';

export const chromiumFound = findChromium();
/** Without a browser the e2e tests skip locally and fail in CI (where one must be installed). */
export const skipE2e = 'missing' in chromiumFound && !process.env.CI;
export const shots = join(root, 'test-results');

export type Rpc = (
  method: string,
  input: unknown,
) => Promise<{ ok: boolean; value: Record<string, unknown>; error?: unknown }>;

/** Calls the contract over HTTP with the server's token, as an API client would. */
export function rpcFor(serverUrl: string): Rpc {
  const base = new URL('/', serverUrl).href;
  const token = new URL(serverUrl).searchParams.get('token')!;
  return async (method, input) => {
    const res = await fetch(`${base}api/rpc/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });
    return (await res.json()) as never;
  };
}

export interface Baton {
  server: Awaited<ReturnType<typeof startServe>>;
  browser: Browser;
  page: Page;
  rpc: Rpc;
  dataDir: string;
  close(): Promise<void>;
}

/** `baton serve` on a fresh data directory, Chromium, and a page not yet opened. */
export async function launchBaton(name: string, viewport = { width: 1400, height: 900 }): Promise<Baton> {
  if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
  mkdirSync(shots, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), `baton-${name}-`));
  const server = await startServe(dataDir);
  const browser = await chromium.launch({ executablePath: chromiumFound.path, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport });
  return {
    server,
    browser,
    page,
    rpc: rpcFor(server.url),
    dataDir,
    async close() {
      await browser.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

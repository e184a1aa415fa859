/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium } from './browser-path.ts';
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

/** A run as `runs.list` lists it, as far as the tests read it. */
export interface ListedRun {
  id: string;
  status: string;
  started_by: string | null;
}

export interface Baton {
  server: Awaited<ReturnType<typeof startServe>>;
  browser: Browser;
  page: Page;
  rpc: Rpc;
  /** A plan's runs (`runs.list`), newest first. */
  runsOf(planId: string): Promise<ListedRun[]>;
  /** The app's page at `path` (an address: `/plans/p/edit`), with the host's token. */
  at(path: string): string;
  dataDir: string;
  /**
   * A path, not yet a file, in a folder outside the data directory (which an agent's sandbox hides
   * from it): a file a test writes to tell its agent to go on. The folder goes with `close()`.
   */
  signalFile(name: string): string;
  close(): Promise<void>;
}

/** `baton serve` on a fresh data directory, Chromium, and a page not yet opened. */
export async function launchBaton(name: string, viewport = { width: 1400, height: 900 }): Promise<Baton> {
  if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
  mkdirSync(shots, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), `baton-${name}-`));
  const server = await startServe(dataDir);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  const rpc = rpcFor(server.url);
  let outside: string | null = null;
  return {
    server,
    browser,
    page,
    rpc,
    runsOf: async (planId) => (await rpc('runs.list', { plan_id: planId })).value as unknown as ListedRun[],
    at(path) {
      const url = new URL(server.url);
      return `${url.origin}${path}?token=${url.searchParams.get('token') ?? ''}`;
    },
    dataDir,
    signalFile(file) {
      outside ??= mkdtempSync(join(tmpdir(), `baton-${name}-signals-`));
      return join(outside, file);
    },
    async close() {
      await browser.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (outside) rmSync(outside, { recursive: true, force: true });
    },
  };
}

/** The renderer's task card size (TaskNode.tsx), for tests' own copy of the layout. */
export const NODE = { width: 240, height: 104 };

/** `count` tasks in layers of `width`; each after one task of the layer before. */
export function layeredPlan(count: number, width: number) {
  return Array.from({ length: count }, (_, i) => {
    const layer = Math.floor(i / width);
    return {
      task_id: `t${i}`,
      description: `task ${i}`,
      required_skills: ['x'],
      depends_on: layer === 0 ? [] : [`t${(layer - 1) * width + ((i * 7) % width)}`],
    };
  });
}

/** The graph's viewport as React Flow applies it (translate(x, y) scale(zoom)), and where the graph is. */
export async function flowViewport(
  page: Page,
): Promise<{ x: number; y: number; zoom: number; left: number; top: number }> {
  return page.evaluate(() => {
    const vp = document.querySelector('.react-flow__viewport') as HTMLElement;
    const m = new DOMMatrix(getComputedStyle(vp).transform);
    const r = (document.querySelector('.react-flow') as HTMLElement).getBoundingClientRect();
    return { x: m.e, y: m.f, zoom: m.a, left: r.left, top: r.top };
  });
}

/**
 * Removes the data directory of an app this process ran (`createApp`) after `close()`. Awaited,
 * `close()` settles once its WAL checkpointer thread has ended too, and one removal is enough;
 * not awaited, that thread may still write the database, and a removal racing it fails
 * (ENOTEMPTY) or leaves the folder: removed again until it is gone.
 */
export async function removeDataDir(dir: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
    } catch {
      // the checkpointer is still closing: try again
    }
    await new Promise((done) => setTimeout(done, 100));
    if (!existsSync(dir)) return;
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { http, startOnTempDir } from '../../test/kit/host-kit.ts';
import { createRestHandler } from '../host/rest/router.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';
import { isStorageFull } from './storage-full.ts';

/**
 * A disk with no room, made real: SQLite's `max_page_count` caps the app's own database file,
 * and a write past it fails with SQLITE_FULL exactly as on a full disk.
 */
function fillDisk(app: BatonApp): () => void {
  const db = app.store.db;
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return () => db.pragma('max_page_count = 4294967294');
}

/** A plan big enough to need new pages. */
const bigPlan = (plan_id: string) => ({
  plan_id,
  tasks: Array.from({ length: 50 }, (_, i) => ({ task_id: `t${i}`, description: 'x'.repeat(2_000) })),
});

describe('a full disk', () => {
  let dir: string;
  let app: BatonApp;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-full-'));
    app = createApp({ dataDir: dir, log: () => {} });
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is `storage_full` naming the data directory, changes nothing, and passes once there is room', async () => {
    await app.dispatch('plans.import', { plan: bigPlan('before') });
    const roomAgain = fillDisk(app);
    const refused = await app.dispatch('plans.import', { plan: bigPlan('too-big') });
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'storage_full',
        message: `The disk is full (Baton's data is in ${dir}): free some space on it, then try again.`,
        details: { data_dir: dir },
      },
    });
    const agents = await app.dispatch('agents.import', {
      agents: Array.from({ length: 500 }, (_, i) => ({
        id: `agent-${i}`,
        skills: ['summarization', 'research'],
      })),
    });
    expect(agents).toMatchObject({ ok: false, error: { code: 'storage_full' } });
    // Nothing half-written; reads still answer.
    const plans = await app.dispatch('plans.list', {});
    expect(plans.ok && (plans.value as { plan_id: string }[]).map((p) => p.plan_id)).toEqual(['before']);
    expect(await app.dispatch('agents.list', {})).toEqual({ ok: true, value: [] });
    roomAgain();
    expect((await app.dispatch('plans.import', { plan: bigPlan('too-big') })).ok).toBe(true);
  });

  it('logs each `storage_full` answer in one line, naming the call, with no stack', async () => {
    await app.close();
    const lines: unknown[][] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => lines.push(args));
    try {
      app = createApp({ dataDir: dir }); // the log every host uses: the default
      fillDisk(app);
      expect(await app.dispatch('plans.import', { plan: bigPlan('too-big') })).toMatchObject({
        ok: false,
        error: { code: 'storage_full' },
      });
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([
      [expect.stringMatching(/^plans\.import failed: SqliteError: database or disk is full \(at [^\n]*\)$/)],
    ]);
  });

  it('knows SQLITE_FULL and ENOSPC, also when wrapped, and nothing else', () => {
    expect(isStorageFull(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(
      true,
    );
    expect(isStorageFull(new Error('write failed', { cause: { code: 'ENOSPC' } }))).toBe(true);
    expect(isStorageFull(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }))).toBe(false);
    expect(isStorageFull(null)).toBe(false);
    expect(isStorageFull('ENOSPC')).toBe(false);
  });
});

describe('a full disk over HTTP', () => {
  it('answers 507 with the code, on the RPC and on the REST routes', async () => {
    const { host, app, dir, stop } = await startOnTempDir((_d, a) => ({
      routes: createRestHandler(a.dispatch),
    }));
    try {
      fillDisk(app);
      const post = (path: string, body: unknown) =>
        http(host.port, path, {
          method: 'POST',
          headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      const rpc = await post('/api/rpc/plans.import', { plan: bigPlan('p') });
      expect(rpc.status).toBe(507);
      expect(JSON.parse(rpc.body)).toMatchObject({
        ok: false,
        error: { code: 'storage_full', details: { data_dir: dir } },
      });
      const rest = await post('/api/modules/orchestrator/build', bigPlan('q'));
      expect(rest.status).toBe(507);
      expect(JSON.parse(rest.body).error.code).toBe('storage_full');
    } finally {
      await stop();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { PriceRow } from '../../src-shared/schemas/spend.ts';
import { call } from '../../test/kit/engine-kit.ts';
import { DEFAULT_PRICES, pricesWith } from '../agents/coding/index.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

// The price table: Baton's own prices and those people set, each from a day; which are in effect
// when a call is made; set through the contract, checked field by field, audited.

let dir: string;
let app: BatonApp;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-prices-'));
  app = createApp({ dataDir: dir, log: () => {} });
});
afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const list = () => call<PriceRow[]>(app, 'spend.prices.list', {});
const today = () => new Date().toISOString().slice(0, 10);
const dayAfter = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('spend.prices', () => {
  it('lists Baton’s own prices from the day they were taken, each in effect until one is set', async () => {
    const rows = await list();
    const sonnet = rows.filter((r) => r.model === 'claude-sonnet-4-5');
    expect(sonnet).toEqual([
      {
        model: 'claude-sonnet-4-5',
        input_per_mtok: 3,
        output_per_mtok: 15,
        cached_input_per_mtok: 0.3,
        effective_from: '2025-11-01',
        source: 'builtin',
        set_at: null,
        set_by: null,
        current: true,
      },
    ]);
    expect(rows.filter((r) => r.source === 'builtin').length).toBe(Object.keys(DEFAULT_PRICES).length);
  });

  it('a price set today is in effect at once, one set for a later day from that day; the list says which', async () => {
    const now = await call<PriceRow>(app, 'spend.prices.set', {
      model: 'claude-sonnet-4-5',
      input_per_mtok: 2.5,
      output_per_mtok: 12,
      actor: 'ana',
    });
    expect(now).toMatchObject({
      effective_from: today(),
      source: 'set',
      set_by: 'ana',
      current: true,
      cached_input_per_mtok: null,
    });
    const later = dayAfter(today(), 3);
    await call(app, 'spend.prices.set', {
      model: 'claude-sonnet-4-5',
      input_per_mtok: 2,
      output_per_mtok: 10,
      cached_input_per_mtok: 0.2,
      effective_from: later,
    });
    // A model Baton has no price for.
    await call(app, 'spend.prices.set', {
      model: 'local/qwen3-coder',
      input_per_mtok: 0,
      output_per_mtok: 0,
    });
    const rows = (await list()).filter((r) => r.model === 'claude-sonnet-4-5');
    expect(rows.map((r) => [r.effective_from, r.source, r.current, r.input_per_mtok])).toEqual([
      [later, 'set', false, 2],
      [today(), 'set', true, 2.5],
      ['2025-11-01', 'builtin', false, 3],
    ]);
    expect((await list()).find((r) => r.model === 'local/qwen3-coder')).toMatchObject({
      current: true,
      source: 'set',
    });

    // What an attempt is priced from at a time: the price in effect then, Baton's own under it.
    const at = (iso: string) => pricesWith(app.store.prices.inEffectAt(iso));
    const set = now.set_at!;
    expect(at(new Date(Date.parse(set) - 1).toISOString())['claude-sonnet-4-5']).toEqual(
      DEFAULT_PRICES['claude-sonnet-4-5'],
    );
    expect(at(set)['claude-sonnet-4-5']).toEqual({ input_per_mtok: 2.5, output_per_mtok: 12 });
    expect(at(`${later}T00:00:00.000Z`)['claude-sonnet-4-5']).toEqual({
      input_per_mtok: 2,
      output_per_mtok: 10,
      cached_input_per_mtok: 0.2,
    });
    expect(at(set)['gpt-5']).toEqual(DEFAULT_PRICES['gpt-5']);
    expect(at(new Date().toISOString())['local/qwen3-coder']).toEqual({
      input_per_mtok: 0,
      output_per_mtok: 0,
    });
  });

  it('a price set for a day already past prices calls from when it was set, never one made before', () => {
    const p = (set_at: string, effective_from: string, input: number) => ({
      model: 'gpt-5',
      effective_from,
      input_per_mtok: input,
      output_per_mtok: 10,
      cached_input_per_mtok: null,
      set_at,
      set_by: 'ana',
    });
    app.store.prices.set(p('2026-02-03T09:00:00.000Z', '2026-02-01', 1));
    const was = (iso: string) =>
      app.store.prices.inEffectAt(iso).find((x) => x.model === 'gpt-5')?.input_per_mtok;
    expect(was('2026-02-02T12:00:00.000Z')).toBeUndefined();
    expect(was('2026-02-03T08:59:59.000Z')).toBeUndefined();
    expect(was('2026-02-03T09:00:00.000Z')).toBe(1);
    // Set again for the same day later: that row replaced, in effect from its new setting.
    app.store.prices.set(p('2026-02-05T09:00:00.000Z', '2026-02-01', 2));
    expect(was('2026-02-05T10:00:00.000Z')).toBe(2);
    app.store.prices.set(p('2026-02-04T00:00:00.000Z', '2026-03-01', 3));
    expect(was('2026-02-28T23:59:59.000Z')).toBe(2);
    expect(was('2026-03-01T00:00:00.000Z')).toBe(3);
  });

  it('refuses a bad price naming the field, writes nothing; audits a price set and a price changed', async () => {
    const bad = async (input: Record<string, unknown>, path: string) => {
      const r = await app.dispatch('spend.prices.set', {
        model: 'm',
        input_per_mtok: 1,
        output_per_mtok: 1,
        ...input,
      });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(JSON.stringify(r)).toContain(`"path":"${path}"`);
    };
    await bad({ input_per_mtok: -1 }, 'input_per_mtok');
    await bad({ output_per_mtok: 'ten' }, 'output_per_mtok');
    await bad({ cached_input_per_mtok: -0.1 }, 'cached_input_per_mtok');
    await bad({ effective_from: '2026-02-30' }, 'effective_from');
    await bad({ effective_from: 'tomorrow' }, 'effective_from');
    await bad({ model: 'has space' }, 'model');
    await bad({ model: '' }, 'model');
    expect((await list()).some((r) => r.source === 'set')).toBe(false);

    await call(app, 'spend.prices.set', {
      model: 'gpt-5',
      input_per_mtok: 1,
      output_per_mtok: 8,
      actor: 'ana',
    });
    await call(app, 'spend.prices.set', {
      model: 'gpt-5',
      input_per_mtok: 1.5,
      output_per_mtok: 8,
      actor: 'bo',
    });
    const audit = await call<AuditEntry[]>(app, 'audit.list', { entity: 'setting', limit: 10 });
    const mine = audit.filter((e) => e.entity_id === `price:gpt-5@${today()}`).sort((a, b) => a.id - b.id);
    expect(mine.map((e) => [e.actor, e.to_status, e.why])).toEqual([
      ['ana', 'added', `the price of gpt-5 from ${today()} added`],
      ['bo', 'changed', `the price of gpt-5 from ${today()} changed: input_per_mtok`],
    ]);
    expect(mine[1]!.changes).toEqual([{ field: 'input_per_mtok', from: '1', to: '1.5' }]);
  });
});

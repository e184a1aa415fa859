import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/db.ts';
import { WorkerTokens } from './tokens.ts';

describe('WorkerTokens: a token speaks for one worker', () => {
  const open = () => new WorkerTokens(openDatabase(':memory:'), () => Date.parse('2026-01-01T00:00:00Z'));

  it('is claimed by the first worker that binds it, and refused for any other', () => {
    const tokens = open();
    const { secret, token } = tokens.create('wtk-1', 'lab box', 'http://127.0.0.1:4800/');
    expect(token.worker_id).toBeNull();
    expect(tokens.verify(secret)).toMatchObject({ kind: 'worker', worker_id: null });
    expect(tokens.bind('wtk-1', 'lab', true)).toEqual({ ok: true });
    // Binding again as the same worker is fine; as another it is refused, naming the owner.
    expect(tokens.bind('wtk-1', 'lab', true)).toEqual({ ok: true });
    expect(tokens.bind('wtk-1', 'other', true)).toEqual({ ok: false, bound: 'lab' });
    expect(tokens.verify(secret)).toMatchObject({ kind: 'worker', worker_id: 'lab' });
    expect(tokens.list()).toEqual([expect.objectContaining({ id: 'wtk-1', worker_id: 'lab' })]);
  });

  it('made for a worker: bound from the start, and the command names it', () => {
    const tokens = open();
    const created = tokens.create('wtk-2', 'build box', 'http://127.0.0.1:4800', 'build-1');
    expect(created.token.worker_id).toBe('build-1');
    expect(created.command).toBe(
      `BATON_TOKEN=${created.secret} baton worker --server http://127.0.0.1:4800/ --agents agents.json --id build-1`,
    );
    expect(tokens.bind('wtk-2', 'someone-else', true)).toEqual({ ok: false, bound: 'build-1' });
    expect(tokens.bind('wtk-2', 'build-1', true)).toEqual({ ok: true });
  });

  it('a worker bound to a live token is not claimed by another token, nor made a second token, until it is revoked', () => {
    const tokens = open();
    tokens.create('wtk-a', 'a box', 'http://127.0.0.1:4800/');
    tokens.create('wtk-u', 'u box', 'http://127.0.0.1:4800/');
    expect(tokens.bind('wtk-a', 'wB', true)).toEqual({ ok: true });
    // Another token, bound to none: it claims nothing and is told the worker is taken.
    expect(tokens.bind('wtk-u', 'wB', true)).toEqual({ ok: false, bound: null, taken: true });
    expect(tokens.bind('wtk-u', 'wB', false)).toEqual({ ok: false, bound: null, taken: true });
    expect(tokens.heldByAnother('wB', 'wtk-u')).toBe(true);
    expect(tokens.heldByAnother('wB', 'wtk-a')).toBe(false);
    expect(() => tokens.create('wtk-b', 'b box', 'http://127.0.0.1:4800/', 'wB')).toThrow(
      /worker_id: worker "wB" already has a live token \("a box"\)/,
    );
    expect(tokens.list().map((t) => [t.id, t.worker_id])).toEqual([
      ['wtk-a', 'wB'],
      ['wtk-u', null],
    ]);
    // Revoked, the worker is free again: the next token may claim it.
    tokens.revoke('wtk-a');
    expect(tokens.bind('wtk-u', 'wB', true)).toEqual({ ok: true });
  });
});

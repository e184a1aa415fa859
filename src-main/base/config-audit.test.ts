import { describe, expect, it } from 'vitest';
import { configChangeEntry, fieldChanges, HIDDEN, isHiddenPath } from './config-audit.ts';

const base = { at: '2026-11-30T10:00:00.000Z', actor: 'Ana', entity: 'agent' as const, entity_id: 'coder' };

describe('fieldChanges', () => {
  it("reads a key named like Object's own (constructor, toString) as a name, never as what objects inherit", () => {
    const after = { run_inputs: { constructor: { type: 'string' }, toString: { type: 'number' } } };
    expect(fieldChanges(undefined, after).changes).toEqual([
      { field: 'run_inputs.constructor.type', from: null, to: 'string' },
      { field: 'run_inputs.toString.type', from: null, to: 'number' },
    ]);
    expect(fieldChanges({ run_inputs: {} }, after).changes).toHaveLength(2);
    expect(fieldChanges(after, { run_inputs: {} }).changes.map((c) => c.to)).toEqual([null, null]);
  });
  it('lists each field that differs, walking into objects, with its values in words', () => {
    const before = { id: 'coder', model: 'qwen', sandbox: { mode: 'required', network: { allow: ['a'] } } };
    const after = {
      id: 'coder',
      model: 'qwen-max',
      sandbox: { mode: 'off', network: { allow: ['a'] } },
      tags: ['x'],
    };
    expect(fieldChanges(before, after).changes).toEqual([
      { field: 'model', from: 'qwen', to: 'qwen-max' },
      { field: 'sandbox.mode', from: 'required', to: 'off' },
      { field: 'tags', from: null, to: '["x"]' },
    ]);
  });

  it('never writes a value that may be a secret: environment values, passwords, tokens', () => {
    const before = { env: { API_KEY: 'sk-old', TOKEN: { secret: 'gh' } }, password: 'hunter2' };
    const after = {
      env: { API_KEY: 'sk-new', TOKEN: { secret: 'gh2' } },
      password: 'hunter3',
      auth_secret: 'svc',
    };
    const { changes } = fieldChanges(before, after);
    expect(changes).toEqual([
      { field: 'env.API_KEY', from: HIDDEN, to: HIDDEN },
      // A reference names a secret: the name is shown, never the secret.
      { field: 'env.TOKEN.secret', from: 'gh', to: 'gh2' },
      { field: 'password', from: HIDDEN, to: HIDDEN },
      { field: 'auth_secret', from: null, to: 'svc' },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/sk-|hunter/);
    expect(isHiddenPath(['headers', 'X-Api-Key'])).toBe(true);
    expect(isHiddenPath(['api_key_secret'])).toBe(false);
  });

  it('compares keyed lists item by item, and says a removed item', () => {
    const before = {
      tasks: [
        { task_id: 'a', description: 'A' },
        { task_id: 'b', description: 'B' },
      ],
    };
    const after = {
      tasks: [
        { task_id: 'a', description: 'A2' },
        { task_id: 'c', description: 'C' },
      ],
    };
    expect(fieldChanges(before, after, { tasks: 'task_id' }).changes).toEqual([
      { field: 'tasks.a.description', from: 'A', to: 'A2' },
      { field: 'tasks.c.task_id', from: null, to: 'c' },
      { field: 'tasks.c.description', from: null, to: 'C' },
      { field: 'tasks.b.task_id', from: 'b', to: null },
      { field: 'tasks.b.description', from: 'B', to: null },
    ]);
  });

  it('cuts long values and counts the changes past the most it lists', () => {
    const long = 'x'.repeat(1000);
    expect(fieldChanges({ a: '' }, { a: long }).changes[0]!.to).toHaveLength(300);
    const many = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`f${i}`, i]));
    const r = fieldChanges({}, many);
    expect(r.changes).toHaveLength(200);
    expect(r.more).toBe(50);
    // Not counted: the same fields listed, the walk ended there.
    const listed = fieldChanges(undefined, many, {}, false);
    expect(listed.changes).toEqual(fieldChanges(undefined, many).changes);
    expect(listed.more).toBe(0);
  });

  it('lists a new thing without walking past what it lists: an added plan says no count', () => {
    let read = 0;
    const task = (i: number) => ({
      task_id: `t${i}`,
      get description() {
        read++;
        return `D${i}`;
      },
    });
    const plan = { plan_id: 'big', tasks: Array.from({ length: 1000 }, (_, i) => task(i)) };
    const entry = configChangeEntry({
      ...base,
      entity: 'plan',
      entity_id: 'big',
      what: 'plan "big"',
      before: undefined,
      after: plan,
      keyed: { tasks: 'task_id' },
    });
    expect(entry?.why).toBe('plan "big" added');
    expect(entry?.changes).toHaveLength(200);
    expect(entry?.changes?.[1]).toEqual({ field: 'tasks.t0.task_id', from: null, to: 't0' });
    // Each task listed is read twice (compared, then shown); the tasks past them not at all.
    expect(read).toBeLessThan(250);
  });

  it('counts every change past the most it lists, in keyed lists too (new items, and items gone)', () => {
    const task = (i: number, d = `D${i}`) => ({ task_id: `t${i}`, description: d, depends_on: [] });
    const before = { tasks: Array.from({ length: 80 }, (_, i) => task(i)) };
    // t0…t49 kept with a new description, t50…t79 gone, t80…t149 new.
    const after = {
      tasks: [
        ...Array.from({ length: 50 }, (_, i) => task(i, 'new')),
        ...Array.from({ length: 70 }, (_, i) => task(80 + i)),
      ],
    };
    const r = fieldChanges(before, after, { tasks: 'task_id' });
    // 50 descriptions, 70 new tasks × 2 fields (an empty list says nothing), 30 gone × 2.
    expect(r.changes.length + r.more).toBe(50 + 140 + 60);
    expect(r.changes).toHaveLength(200);
    expect(r.changes[0]).toEqual({ field: 'tasks.t0.description', from: 'D0', to: 'new' });
    // 50 + 140 listed, then the first 5 tasks gone: the rest only counted.
    expect(r.changes.at(-1)).toEqual({ field: 'tasks.t54.description', from: 'D54', to: null });
  });

  it('finds nothing between equal values whatever their key order', () => {
    expect(fieldChanges({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }).changes).toEqual([]);
  });
});

describe('configChangeEntry', () => {
  it('writes a change with the fields named in its sentence, and nothing for a save that changed nothing', () => {
    const e = configChangeEntry({
      ...base,
      what: 'agent "coder"',
      before: { model: 'a' },
      after: { model: 'b' },
    });
    expect(e).toMatchObject({
      actor: 'Ana',
      entity: 'agent',
      entity_id: 'coder',
      from_status: null,
      to_status: 'changed',
      why: 'agent "coder" changed: model',
      changes: [{ field: 'model', from: 'a', to: 'b' }],
    });
    expect(
      configChangeEntry({ ...base, what: 'agent "coder"', before: { model: 'a' }, after: { model: 'a' } }),
    ).toBe(null);
  });

  it('keeps what a thing was when it is added or removed', () => {
    const added = configChangeEntry({
      ...base,
      what: 'agent "coder"',
      before: undefined,
      after: { id: 'coder' },
    });
    expect(added).toMatchObject({ to_status: 'added', why: 'agent "coder" added' });
    expect(added!.changes).toEqual([{ field: 'id', from: null, to: 'coder' }]);
    const removed = configChangeEntry({
      ...base,
      what: 'agent "coder"',
      before: { id: 'coder' },
      after: undefined,
    });
    expect(removed).toMatchObject({ to_status: 'removed', why: 'agent "coder" removed' });
    expect(removed!.changes).toEqual([{ field: 'id', from: 'coder', to: null }]);
  });
});

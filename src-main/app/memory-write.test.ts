import { afterEach, describe, expect, it } from 'vitest';
import type { MemoryEntry, MemorySearchHit } from '../../src-shared/schemas/memory.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

const write = (input: Record<string, unknown>) => app.dispatch('memory.write', input);

describe('memory.write', () => {
  it("stores an agent's note about a run, tagged with its type, its writer, the plan and the run, and finds it", async () => {
    const exec = controlledExecutor();
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      project_id: 'proj',
      tasks: [task('a')],
    });
    await eventually(() => exec.running.has('a'));
    const written = await call<MemoryEntry>(app, 'memory.write', {
      agent_id: 'scout',
      content: 'The staging database is read-only on Fridays.',
      tags: ['ops'],
      run_id: run,
      task_id: 'a',
    });
    expect(written).toMatchObject({
      agent_id: 'scout',
      type: 'note',
      content: 'The staging database is read-only on Fridays.',
      tags: ['note', 'by:scout', 'plan:p', `run:${run}`, 'ops'],
      project_id: 'proj',
      task_id: 'a',
    });
    expect(await call(app, 'memory.read', { memory_id: written.id })).toEqual(written);
    const hits = await call<MemorySearchHit[]>(app, 'memory.search', { query: 'fridays', plan_id: 'p' });
    expect(hits.map((h) => h.entry.id)).toEqual([written.id]);
    // A JSON object is content too.
    const obj = await call<MemoryEntry>(app, 'memory.write', { agent_id: 'scout', content: { k: 1 } });
    expect(obj).toMatchObject({ content: { k: 1 }, tags: ['note', 'by:scout'], project_id: null });
  });

  it("refuses Baton's own types and writers, empty content and what it is about when that does not exist, naming the field", async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const refused = async (input: Record<string, unknown>, code: string, text: string) => {
      const r = await write(input);
      expect(r).toMatchObject({ ok: false, error: { code } });
      expect(r.ok ? '' : r.error.message).toContain(text);
    };
    await refused(
      { agent_id: 'scout', type: 'build_log', content: 'x' },
      'invalid_input',
      'type: an agent writes entries of type "note"; "build_log" is not one',
    );
    await refused(
      { agent_id: 'orchestrator', content: 'x' },
      'invalid_input',
      "agent_id: is one of Baton's own writers",
    );
    await refused({ agent_id: 'scout', content: '' }, 'invalid_input', 'content');
    await refused(
      { agent_id: 'scout', content: 'x'.repeat(70_000) },
      'invalid_input',
      'content: must be at most 65536 bytes',
    );
    await refused({ agent_id: 'scout', content: 'x', tags: ['ok', ''] }, 'invalid_input', 'tags[1]');
    await refused(
      { agent_id: 'scout', content: 'x', run_id: 'run-nope' },
      'not_found',
      'run "run-nope" not found',
    );
    await refused({ agent_id: 'scout', content: 'x', plan_id: 'nope' }, 'not_found', 'plan "nope" not found');
    await refused(
      { agent_id: 'scout', content: 'x', task_id: 'a' },
      'invalid_input',
      'task_id: name the task with its run_id',
    );
    await refused({ agent_id: 'scout', content: 'x', status: 'done' }, 'invalid_input', 'status');
    await refused(
      { agent_id: 'scout', content: 'x', project_id: 'no-such-project' },
      'not_found',
      'project_id: project "no-such-project" not found',
    );
    expect(await call(app, 'memory.search', { agent: 'scout' })).toEqual([]);
  });

  it("files a note under its run's or plan's own project: another one named is refused, naming project_id", async () => {
    const exec = controlledExecutor();
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
    await call(app, 'projects.save', { id: 'other', name: 'Other' });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      project_id: 'proj',
      tasks: [task('a')],
    });
    await call(app, 'plans.import', { plan: { plan_id: 'loose', tasks: [task('b')] } });
    await eventually(() => exec.running.has('a'));
    const refused = async (input: Record<string, unknown>, text: string) => {
      const r = await write({ agent_id: 'scout', content: 'x', ...input });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(r.ok ? '' : r.error.message).toContain(text);
    };
    // Before, the given project replaced the run's own: the note was found by another project's searches.
    await refused(
      { run_id: run, project_id: 'other' },
      `project_id: run "${run}" is of project "proj", not "other"`,
    );
    await refused(
      { plan_id: 'p', project_id: 'other' },
      'project_id: plan "p" is of project "proj", not "other"',
    );
    await refused(
      { plan_id: 'loose', project_id: 'other' },
      'project_id: plan "loose" is of no project, not "other"',
    );
    // Its own project, named or not, is taken (saved or only named by its plan), and so is a saved one alone.
    const own = await call<MemoryEntry>(app, 'memory.write', {
      agent_id: 'scout',
      content: 'x',
      run_id: run,
      project_id: 'proj',
    });
    const alone = await call<MemoryEntry>(app, 'memory.write', {
      agent_id: 'scout',
      content: 'y',
      project_id: 'other',
    });
    expect([own.project_id, alone.project_id]).toEqual(['proj', 'other']);
    expect((await call<MemorySearchHit[]>(app, 'memory.search', { agent: 'scout' })).length).toBe(2);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// A task's best-of fields: their shapes refused by the plan schema, the agents they name checked
// against the registry when the plan comes in, each problem naming its field.
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

async function issues(a: BatonApp, plan: unknown) {
  const r = await a.dispatch('plans.import', { plan });
  if (r.ok) return [];
  return (
    (r.error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? []
  ).map((i) => `${i.path}: ${i.message}`);
}

describe("a task's best-of fields", () => {
  it('are checked for shape and for the agents they name, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-best-of-refs-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    app = createApp({ dataDir: dir, log: () => {}, resume: false });
    const r = makeRepo();
    cleanups.push(r.cleanup);
    await call(app, 'workspaces.add', { id: 'app', path: r.repo });
    await call(app, 'agents.create', { id: 'coder', kind: 'coding', cli: 'claude', skills: ['x'] });
    await call(app, 'agents.create', {
      id: 'sage',
      kind: 'llm',
      base_url: 'http://127.0.0.1:9/v1',
      model: 'm',
      skills: ['y'],
    });
    const plan = (task: Record<string, unknown>, id = 'p') => ({
      plan_id: id,
      workspace: 'app',
      tasks: [{ task_id: 'fix', description: 'fix it', agent: 'coder', ...task }],
    });
    expect(await issues(app, plan({ attempts: 9, candidates: [], judge: 'Bad Id' }))).toEqual([
      'tasks[0].attempts: must be a whole number from 1 to 8',
      'tasks[0].candidates: must name at least one coding agent',
      'tasks[0].judge: may contain only letters, digits and . _ : @ -',
      'tasks[0].judge: unknown agent "Bad Id" as judge',
    ]);
    expect(await issues(app, plan({ attempts: 1.5 }))).toEqual([
      'tasks[0].attempts: must be a whole number from 1 to 8',
    ]);
    expect(
      await issues(app, plan({ attempts: 3, candidates: ['coder', 'ghost', 'sage'], judge: 'coder' })),
    ).toEqual([
      'tasks[0].candidates[1]: unknown agent "ghost" in candidates',
      'tasks[0].candidates[2]: agent "sage" in candidates is a llm agent: candidates must be coding agents',
      'tasks[0].judge: agent "coder" is a coding agent: a judge must be an llm agent',
    ]);
    expect(await issues(app, plan({ candidates: ['coder'], judge: 'sage' }))).toEqual([
      'tasks[0].candidates: task "fix" names candidates but runs one attempt: set attempts to 2 or more',
      'tasks[0].judge: task "fix" names judge but runs one attempt: set attempts to 2 or more',
    ]);
    expect(await issues(app, plan({ attempts: 3, candidates: ['coder'], judge: 'sage' }))).toEqual([]);
    expect(await issues(app, plan({ attempts: 2 }, 'q'))).toEqual([]);
  });
});

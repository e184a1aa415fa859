import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredStep } from '../../../../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../../../../src-shared/schemas/workspace.ts';
import { waitingAcpAgent, waitingAcpAgentScript } from '../../../../../test/kit/acp-waiting-agent.ts';
import { call, eventually, setup } from '../../../../../test/kit/engine-kit.ts';
import { scratch } from '../../../../../test/kit/scratch.ts';

// A person talks to an ACP agent while its turn runs (runs.say): ACP has no steer, so the words
// are its session's next `session/prompt` once the turn ends. The agent (the SDK's agent side)
// waits in its first turn for a file the test writes, and keeps every prompt it was sent.
const { temp, repo: tempRepo, app: tempApp } = scratch();

/** A run whose task's ACP agent waits in its first turn (until the test writes `go` in its worktree). */
async function waitingTask() {
  const repo = tempRepo();
  const script = join(temp('baton-said-acp-'), 'agent.mjs');
  writeFileSync(script, waitingAcpAgentScript);
  const a = tempApp('baton-said-');
  await call(a, 'workspaces.add', { id: 'app', path: repo.repo });
  const run = await setup(a, [waitingAcpAgent(script)], {
    plan_id: 'p',
    workspace: 'app',
    tasks: [{ task_id: 't', description: 'Wait, then go on.', required_skills: ['code'] }],
  });
  return { repo, a, run };
}

describe('a person talks to an ACP agent mid-task', () => {
  it('is queued for the next turn: the agent gets it as its next session/prompt; a done task refuses', async () => {
    const { repo, a, run } = await waitingTask();
    let listening: unknown = null;
    await eventually(async () => {
      listening = await call(a, 'runs.listening', { run_id: run, task_id: 't' });
      return listening !== null;
    });
    expect(listening).toEqual({ delivery: 'next_turn', says: 'ACP agent: queued for the next turn' });
    const said = await call(a, 'runs.say', {
      run_id: run,
      task_id: 't',
      text: 'Also check the README.',
      actor: 'ana',
    });
    expect(said).toMatchObject({ delivery: 'next_turn', says: 'ACP agent: queued for the next turn' });
    let tree = '';
    await eventually(async () => {
      const sessions = await call<{ task_id: string; dir: string }[]>(a, 'runs.sessions', { run_id: run });
      tree = sessions.find((x) => x.task_id === 't')?.dir ?? '';
      return tree !== '' && existsSync(join(tree, 'prompts.log'));
    });
    writeFileSync(join(tree, 'go'), '');
    await a.engine.whenSettled(run);
    const t = a.store.runs.task(run, 't')!;
    expect(t.status, t.error ?? '').toBe('done');
    const out = t.output as CodingOutput;
    const log = execFileSync('git', ['show', `${out.commit}:prompts.log`], {
      cwd: repo.repo,
      encoding: 'utf8',
    });
    expect(log).toMatch(/--- turn 1\n[\s\S]*Wait, then go on\.[\s\S]*--- turn 2\nAlso check the README\.\n$/);
    expect(out.summary).toContain('turn 2 done');
    const steps = await call<StoredStep[]>(a, 'runs.steps', { run_id: run, task_id: 't' });
    expect(steps.filter((s) => s.kind === 'message' && s.by === 'ana')).toMatchObject([
      { role: 'user', text: 'Also check the README.', by: 'ana' },
    ]);
    await expect(
      call(a, 'runs.say', { run_id: run, task_id: 't', text: 'late', actor: 'ana' }),
    ).rejects.toThrow('task "t" is not running: it is done');
  }, 60_000);

  it('keeps at most 50 messages for the next turn: one more is refused, saying how many wait', async () => {
    const { a, run } = await waitingTask();
    await eventually(async () => (await call(a, 'runs.listening', { run_id: run, task_id: 't' })) !== null);
    const say = (text: string) => a.dispatch('runs.say', { run_id: run, task_id: 't', text, actor: 'ana' });
    for (let i = 1; i <= 50; i++) expect((await say(`note ${i}`)).ok).toBe(true);
    const refused = await say('note 51');
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(refused.ok ? '' : refused.error.message).toMatch(
      /^50 messages \(\d+ characters\) already wait for the agent's next turn/,
    );
    // The refused one was not recorded as said (the audit has each message the agent kept).
    const audit = await call<{ why: string }[]>(a, 'audit.list', { run_id: run, task_id: 't' });
    expect(audit.filter((e) => e.why.startsWith('said to the agent')).map((e) => e.why)).toEqual(
      Array.from({ length: 50 }, (_, i) => `said to the agent (for its next turn): note ${i + 1}`),
    );
    await call(a, 'runs.cancel', { run_id: run, actor: 'ana' });
  }, 60_000);
});

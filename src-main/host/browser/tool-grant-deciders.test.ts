import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call as local } from '../../../test/kit/engine-kit.ts';
import { offDeskBaton } from '../../../test/kit/off-desk-kit.ts';

/**
 * Approving a tool call "always for this agent" answers that agent's other calls waiting, in any
 * task, and its later ones. A member used it on a call they could decide to answer another task's
 * call whose approvers were someone else (and every later one there).
 */
describe('a grant wider than one call', () => {
  let b: Awaited<ReturnType<typeof offDeskBaton>>;

  /** A Bash call waiting for a person in a fresh run of `planId`: its approval's id. */
  async function waiting(planId: string): Promise<string> {
    const { run_id } = await local<{ run_id: string }>(b.app, 'runs.start', { plan_id: planId });
    await local(b.app, 'work.execute', { agent_id: 'seat', run_id, task_id: 'edit' });
    const { approval_id } = await local<{ approval_id: string }>(b.app, 'inbox.ask', {
      run_id,
      task_id: 'edit',
      attempt: 1,
      question: {
        kind: 'tool_call',
        call_id: `toolu_${planId}`,
        tool: 'Bash',
        input: { command: 'rm -rf /prod' },
      },
    });
    return approval_id;
  }
  const status = async (id: string) =>
    (await local<{ id: string; status: string }[]>(b.app, 'approvals.list', {})).find((a) => a.id === id)
      ?.status;

  beforeAll(async () => {
    b = await offDeskBaton();
    await local(b.app, 'agents.import', {
      agents: [{ id: 'seat', kind: 'human', skills: ['code'], max_concurrency: 5 }],
    });
    for (const [plan_id, approvers] of [
      ['open', undefined],
      ['guarded', { people: ['Olive'] }],
    ] as const)
      await local(b.app, 'plans.import', {
        plan: {
          plan_id,
          ...(approvers ? { approvers } : {}),
          tasks: [{ task_id: 'edit', description: 'Edit the config', required_skills: ['code'] }],
        },
      });
  });
  afterAll(() => b?.stop());

  it('"always for this agent" is an admin\'s, and answers only the calls its decider may decide', async () => {
    const mia = await b.join('Mia', 'member');
    const ada = await b.join('Ada', 'admin');
    const open = await waiting('open');
    const guarded = await waiting('guarded');
    const always = (cookie: string) =>
      b.rpc('approvals.decide', { approval_id: open, decision: 'approve', scope: 'agent' }, b.page(cookie));
    // A member may decide the open one, for this task, not always for the agent.
    const byMia = await always(mia.cookie);
    expect(byMia.status).toBe(403);
    expect(JSON.stringify(byMia.result)).toContain("an admin's right");
    expect(await status(open)).toBe('pending');
    // An admin may; the guarded call (only Olive decides it) is not answered by it.
    expect((await always(ada.cookie)).status).toBe(200);
    expect(await status(open)).toBe('approved');
    expect(await status(guarded)).toBe('pending');
  });
});

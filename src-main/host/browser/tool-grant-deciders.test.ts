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
  async function waiting(planId: string, tool = 'Bash'): Promise<string> {
    const { run_id } = await local<{ run_id: string }>(b.app, 'runs.start', { plan_id: planId });
    await local(b.app, 'work.execute', { agent_id: 'seat', run_id, task_id: 'edit' });
    const { approval_id } = await local<{ approval_id: string }>(b.app, 'inbox.ask', {
      run_id,
      task_id: 'edit',
      attempt: 1,
      question: {
        kind: 'tool_call',
        call_id: `toolu_${planId}_${tool}`,
        tool,
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
  it("refuses edited arguments with a grant past this call: the grant would run the agent's own arguments", async () => {
    // An ACP agent's call approved with other arguments is refused and made again; a grant for
    // the task or the agent, given with the edits, then allowed the original call unasked.
    const ada = await b.join('Alba', 'admin');
    const id = await waiting('open', 'Shell');
    for (const scope of ['task', 'agent'] as const) {
      const r = await b.rpc(
        'approvals.decide',
        { approval_id: id, decision: 'approve', input: { command: 'ls /tmp' }, scope },
        b.page(ada.cookie),
      );
      expect(r.status, scope).toBe(400);
      expect(JSON.stringify(r.result), scope).toContain('scope: edited arguments answer this call only');
      expect(await status(id)).toBe('pending');
    }
    const once = await b.rpc(
      'approvals.decide',
      { approval_id: id, decision: 'approve', input: { command: 'ls /tmp' } },
      b.page(ada.cookie),
    );
    expect(once.status, JSON.stringify(once.result)).toBe(200);
    expect(await status(id)).toBe('approved');
    const grants = await local<{ tool: string }[]>(b.app, 'agents.toolGrants', { agent_id: 'seat' });
    expect(grants.map((g) => g.tool)).not.toContain('Shell');
  });
});

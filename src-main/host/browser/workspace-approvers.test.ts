import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, call as local } from '../../../test/kit/engine-kit.ts';
import { offDeskBaton } from '../../../test/kit/off-desk-kit.ts';
import { makeRepo, type TempRepo } from '../../agents/coding/workspaces/testing/temp-repo.ts';

/**
 * An admin says who decides the approvals of a workspace (its `approvers`). Any member may import a
 * plan; a member's plan naming wider approvers (`{ role: 'member' }`) let members decide what the
 * workspace's rule keeps for admins. A plan's or task's approvers narrow the workspace's, never
 * widen them.
 */
describe("a workspace's approvers under a plan's", () => {
  let b: Awaited<ReturnType<typeof offDeskBaton>>;
  let repo: TempRepo;

  beforeAll(async () => {
    b = await offDeskBaton();
    repo = makeRepo();
    await local(b.app, 'workspaces.add', {
      id: 'prod',
      path: repo.repo,
      approvers: { role: 'admin' },
    });
    await local(b.app, 'agents.import', { agents: [{ id: 'e', kind: 'echo', skills: ['x'] }] });
  });
  afterAll(async () => {
    await b?.stop();
    repo?.cleanup();
  });

  it("holds a member's plan to its workspace's rule: a member may not decide, an admin may", async () => {
    const mia = await b.join('Mia', 'member');
    const ada = await b.join('Ada', 'admin');
    // The member writes the plan, naming members (herself among them) as its approvers.
    const imported = await b.rpc(
      'plans.import',
      {
        plan: {
          plan_id: 'wider',
          workspace: 'prod',
          approvers: { role: 'member' },
          tasks: [
            {
              task_id: 'ship',
              description: 'ship it',
              required_skills: ['x'],
              requires_approval: true,
              approvers: { people: ['Mia'] },
            },
          ],
        },
      },
      b.page(mia.cookie),
    );
    expect(imported.status, JSON.stringify(imported.result)).toBe(200);
    const { run_id } = await local<{ run_id: string }>(b.app, 'runs.start', { plan_id: 'wider' });
    let view: { id: string; deciders: unknown } | undefined;
    await eventually(
      async () => {
        view = (
          await local<{ id: string; run_id: string; deciders: unknown }[]>(b.app, 'approvals.list', {
            status: 'pending',
          })
        ).find((a) => a.run_id === run_id);
        return view !== undefined;
      },
      10_000,
      'the gate',
    );
    expect(view?.deciders).toEqual({ people: ['Mia'], from: 'task', workspace: { role: 'admin' } });
    const byMia = await b.rpc(
      'approvals.decide',
      { approval_id: view!.id, decision: 'approve' },
      b.page(mia.cookie),
    );
    expect(byMia.status).toBe(403);
    expect(JSON.stringify(byMia.result)).toContain("who is also an admin (the workspace's rule)");
    const byAda = await b.rpc(
      'approvals.decide',
      { approval_id: view!.id, decision: 'approve' },
      b.page(ada.cookie),
    );
    // Ada is an admin but not named by the task: the task narrows the workspace's rule too.
    expect(byAda.status).toBe(403);
    const byOwner = await local(b.app, 'approvals.decide', { approval_id: view!.id, decision: 'approve' });
    expect(byOwner).toMatchObject({ status: 'approved' });
  });
});

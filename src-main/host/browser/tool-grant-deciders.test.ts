import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call as local } from '../../../test/kit/engine-kit.ts';
import { startOnTempDir } from '../../../test/kit/host-kit.ts';
import { cookieOf, fromPage, post, rpc } from '../../../test/kit/people-kit.ts';
import type { BatonApp } from '../../app/create-app.ts';
import type { BrowserHost } from './server.ts';

/**
 * Approving a tool call "always for this agent" answers that agent's other calls waiting, in any
 * task, and its later ones. A member used it on a call they could decide to answer another task's
 * call whose approvers were someone else (and every later one there).
 */
describe('a grant wider than one call', () => {
  let app: BatonApp;
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let port: number;
  const owner = () => ({ Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' });

  async function join(name: string, role: 'member' | 'admin'): Promise<string> {
    const { result } = await rpc(port, 'people.invite', { role }, owner());
    const secret = (result as { value: { secret: string } }).value.secret;
    const joined = await post(
      port,
      '/auth/join',
      { invite: secret, name, password: `${name}-long-password` },
      fromPage(port),
    );
    expect(joined.status, joined.body).toBe(201);
    return cookieOf(joined);
  }

  /** A Bash call waiting for a person in a fresh run of `planId`: its approval's id. */
  async function waiting(planId: string): Promise<string> {
    const { run_id } = await local<{ run_id: string }>(app, 'runs.start', { plan_id: planId });
    await local(app, 'work.execute', { agent_id: 'seat', run_id, task_id: 'edit' });
    const { approval_id } = await local<{ approval_id: string }>(app, 'inbox.ask', {
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
    (
      await local<{ id: string; status: string; decided_by: string | null }[]>(app, 'approvals.list', {})
    ).find((a) => a.id === id);

  beforeAll(async () => {
    ({ app, host, stop } = await startOnTempDir((_d, a) => ({ people: a.people })));
    port = host.port;
    expect((await rpc(port, 'people.setupOwner', { name: 'Olive' }, owner())).status).toBe(200);
    await local(app, 'agents.import', {
      agents: [{ id: 'seat', kind: 'human', skills: ['code'], max_concurrency: 5 }],
    });
    for (const [plan_id, approvers] of [
      ['open', undefined],
      ['guarded', { people: ['Olive'] }],
    ] as const)
      await local(app, 'plans.import', {
        plan: {
          plan_id,
          ...(approvers ? { approvers } : {}),
          tasks: [{ task_id: 'edit', description: 'Edit the config', required_skills: ['code'] }],
        },
      });
  });
  afterAll(() => stop());

  it('"always for this agent" is an admin\'s, and answers only the calls its decider may decide', async () => {
    const mia = await join('Mia', 'member');
    const ada = await join('Ada', 'admin');
    const open = await waiting('open');
    const guarded = await waiting('guarded');
    // A member may decide the open one, for this task, not always for the agent.
    const wide = await rpc(
      port,
      'approvals.decide',
      { approval_id: open, decision: 'approve', scope: 'agent' },
      fromPage(port, mia),
    );
    expect(wide.status).toBe(403);
    expect(JSON.stringify(wide.result)).toContain("an admin's right");
    expect((await status(open))?.status).toBe('pending');
    // An admin may; the guarded call (only Olive decides it) is not answered by it.
    const byAda = await rpc(
      port,
      'approvals.decide',
      { approval_id: open, decision: 'approve', scope: 'agent' },
      fromPage(port, ada),
    );
    expect(byAda.status).toBe(200);
    expect((await status(open))?.status).toBe('approved');
    expect((await status(guarded))?.status).toBe('pending');
  });
});

import { waitingAcpAgent } from '../../../../../test/kit/acp-waiting-agent.ts';
import { call, eventually } from '../../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../../app/create-app.ts';

/**
 * The terminal tests' task: workspace `app` at `repo`, the waiting ACP agent running `agentScript`,
 * plan `readme` with its one coding task, started; settles with the run's id once the agent
 * listens (the task is held, its worktree there).
 */
export async function listeningReadme(
  app: BatonApp,
  repo: string,
  agentScript: string,
  description = 'Tidy.',
): Promise<string> {
  await call(app, 'workspaces.add', { id: 'app', path: repo });
  await call(app, 'agents.import', { agents: [waitingAcpAgent(agentScript)] });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'readme',
      workspace: 'app',
      tasks: [{ task_id: 'readme', description, required_skills: ['code'] }],
    },
  });
  const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'readme' })).run_id;
  const ref = { run_id: runId, task_id: 'readme' };
  await eventually(
    async () => (await call(app, 'runs.listening', ref)) !== null,
    60_000,
    'the agent listening',
  );
  return runId;
}

import type { Agent } from '../../../src-shared/schemas/agent.ts';
import { mayGoToCodingAgent } from '../../../src-shared/schemas/plain/workspace.ts';
import type { Workspace } from '../../../src-shared/schemas/workspace.ts';
import type { Check } from './plan-edit.ts';

/**
 * The coding tasks of a plan whose workspace (the task's, else the plan's) is missing from disk:
 * a run of the plan is refused until it is registered again where it is. One error per task,
 * as the host's refusal says it.
 */
export function missingWorkspaceChecks(
  plan: {
    workspace?: string | undefined;
    tasks: readonly {
      task_id: string;
      workspace?: string | undefined;
      agent?: string | undefined;
      required_skills?: readonly string[] | undefined;
    }[];
  },
  agents: readonly Agent[],
  workspaces: readonly Workspace[],
): Check[] {
  const checks: Check[] = [];
  for (const t of plan.tasks) {
    const id = t.workspace ?? plan.workspace;
    const missing = id === undefined ? null : workspaces.find((w) => w.id === id)?.missing;
    if (!missing || !mayGoToCodingAgent(t, agents)) continue;
    checks.push({
      severity: 'error',
      task_id: t.task_id,
      path: t.workspace !== undefined ? 'workspace' : null,
      message: `its workspace "${id}" is missing: ${missing}. Register it again where it is now (Workspaces).`,
    });
  }
  return checks;
}

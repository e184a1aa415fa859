import type { ToolCallScope, ToolCallVerdict } from '../../../src-shared/schemas/approval.ts';
import type { Store } from '../../store/store.ts';
import type { ToolCallRecord } from '../../store/tool-calls-repo.ts';
import type { ToolCallRequest } from '../executor.ts';

/**
 * A tool's name as a grant remembers it: as the tool policy names it where the asker says its
 * source (`fs/write_file`), else the coding CLI's own name (`Write`; the agent's CLI is implied,
 * a grant being for one task or one agent).
 */
export const grantedTool = (q: Pick<ToolCallRequest, 'server' | 'tool'>): string =>
  q.server ? `${q.server}/${q.tool}` : q.tool;

/** Where a grant for the rest of a task is kept: every attempt of the task goes by it. */
export const taskGrantScope = (runId: string, taskId: string): string => `task:${runId}/${taskId}`;
/** Where a grant for an agent is kept. */
export const agentGrantScope = (agentId: string): string => `agent:${agentId}`;

/**
 * The answer a person already gave to every call of this tool: for the rest of this task, or
 * always for the task's agent. Such a call runs without asking (the approval that granted it is
 * named); null when nobody granted it, and a person is asked.
 */
export function grantedVerdict(
  store: Pick<Store, 'toolGrants'>,
  at: { run_id: string; task_id: string; agent_id: string | null },
  q: Pick<ToolCallRequest, 'server' | 'tool'>,
): ToolCallVerdict | null {
  const tool = grantedTool(q);
  const forTask = store.toolGrants.get(taskGrantScope(at.run_id, at.task_id), tool);
  const forAgent =
    forTask ?? (at.agent_id ? store.toolGrants.get(agentGrantScope(at.agent_id), tool) : undefined);
  const g = forTask ?? forAgent;
  if (!g) return null;
  const scope: ToolCallScope = forTask ? 'task' : 'agent';
  return {
    approve: true,
    approval_id: g.approval_id ?? '',
    actor: g.allowed_by,
    input: null,
    comment: `${tool} allowed ${scope === 'task' ? 'for the rest of this task' : 'always for this agent'} by ${g.allowed_by}`,
    scope,
  };
}

/**
 * What an approval with a wider scope remembers: the tool for the rest of the call's task, or
 * for its agent (a call with no agent is remembered for the task only), and audited. `once`
 * remembers nothing.
 */
export function rememberGrant(
  store: Pick<Store, 'toolGrants' | 'memory'>,
  call: Pick<ToolCallRecord, 'approval_id' | 'run_id' | 'task_id' | 'agent_id' | 'server' | 'tool'>,
  scope: ToolCallScope,
  actor: string,
  at: string,
): void {
  if (scope === 'once') return;
  const where =
    scope === 'agent' && call.agent_id
      ? agentGrantScope(call.agent_id)
      : taskGrantScope(call.run_id, call.task_id);
  const tool = grantedTool(call);
  store.toolGrants.allow({ scope: where, tool, allowed_by: actor, at, approval_id: call.approval_id });
  const forAgent = where.startsWith('agent:');
  store.memory.audit({
    at,
    actor,
    entity: forAgent ? 'agent' : 'approval',
    entity_id: forAgent ? (call.agent_id ?? '') : call.approval_id,
    run_id: call.run_id,
    from_status: null,
    to_status: 'tool allowed',
    why: forAgent
      ? `${tool} allowed always for agent "${call.agent_id}": its later calls run without asking`
      : `${tool} allowed for the rest of task "${call.task_id}": its later calls there run without asking`,
  });
}

/**
 * The other tool calls still waiting that a wider approval answers too: of the same tool, in the
 * same task (`task`) or by the same agent (`agent`), asked before the grant was made.
 */
export function pendingAlike(
  store: Pick<Store, 'approvals' | 'toolCalls'>,
  approvalId: string,
  scope: ToolCallScope,
): string[] {
  const call = store.toolCalls.get(approvalId);
  if (!call || scope === 'once') return [];
  const tool = grantedTool(call);
  return store.approvals
    .list('pending')
    .filter((a) => {
      if (a.kind !== 'tool_call' || a.id === approvalId) return false;
      const other = store.toolCalls.get(a.id);
      if (!other || grantedTool(other) !== tool) return false;
      return scope === 'agent' && call.agent_id
        ? other.agent_id === call.agent_id
        : other.run_id === call.run_id && other.task_id === call.task_id;
    })
    .map((a) => a.id);
}

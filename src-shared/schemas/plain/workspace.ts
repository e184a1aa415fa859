import type { CodingOutput } from '../workspace.ts';

/**
 * What the UI asks of a plan's coding tasks and their outputs, without zod: the first screen reads
 * these, and zod loads only with a form or a check.
 */

/**
 * Whether a task of a plan may go to a coding agent: it is pinned to one, or a registered
 * coding agent has every skill it needs. Such a task needs its workspace on disk.
 */
export function mayGoToCodingAgent(
  task: { agent?: string | undefined; required_skills?: readonly string[] | undefined },
  agents: readonly { id: string; kind: string; skills: readonly string[] }[],
): boolean {
  if (task.agent !== undefined) return agents.find((a) => a.id === task.agent)?.kind === 'coding';
  const need = task.required_skills ?? [];
  return agents.some((a) => a.kind === 'coding' && need.every((s) => a.skills.includes(s)));
}

/** Whether an output is a coding task's (a dependency's output handed on). */
export function isCodingOutput(v: unknown): v is CodingOutput {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.workspace_id === 'string' &&
    typeof o.branch === 'string' &&
    typeof o.commit === 'string' &&
    Array.isArray(o.files)
  );
}

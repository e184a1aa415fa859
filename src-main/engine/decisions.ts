import { formatPath } from '../../src-shared/contract/errors.ts';
import { skillSchema } from '../../src-shared/schemas/common.ts';
import type { Decision } from '../../src-shared/schemas/decision.ts';
import type { TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import { taskSpecSchema } from '../../src-shared/schemas/plan.ts';

/** How two task descriptions are compared for the loop check. */
export const descriptionKey = (text: string) => text.trim().toLowerCase().replace(/\s+/g, ' ');

/** What a run has added so far, against its cap: the guardrails' view of it (`DeciderRunner.addedSoFar`). */
export interface AddedSoFar {
  made: number;
  max: number;
  seen: ReadonlySet<string>;
}

/**
 * Why a task to add to a running run is refused, or null: it must say what to do, the run's cap on
 * added tasks holds, and the same task is not added twice (a loop). The decider's guardrails, and
 * those of a task an agent adds (`runs.addTask`).
 */
export function refusedAddition(description: string, run: AddedSoFar): string | null {
  const text = description.trim();
  if (text === '') return 'the task to add has no description';
  if (run.made >= run.max)
    return `${run.made} tasks were already added to this run, its limit (max_created_tasks)`;
  if (run.seen.has(descriptionKey(text)))
    return `the same task was already added once ("${text.slice(0, 80)}"): a loop`;
  return null;
}

/**
 * Guardrails on what a decider proposes (`refusedAddition`). A refused proposal becomes an
 * escalation to a person, with the reason.
 */
export function guardDecision(proposed: Decision, run: AddedSoFar): Decision {
  if (proposed.action !== 'create_task') return proposed;
  const why =
    (proposed.task_description ?? '').trim() === ''
      ? 'the decision to create a task gave no task_description'
      : refusedAddition(proposed.task_description ?? '', run);
  return why ? overruled(proposed, why) : proposed;
}

/** A proposal turned into an escalation to a person, saying why it was overruled. */
export function overruled(proposed: Decision, why: string): Decision {
  return {
    action: 'escalate_to_human',
    reasoning: `${proposed.reasoning} — overruled: ${why}.`,
    urgency: 'high',
  };
}

const ANY_END: TaskStatus[] = ['done', 'failed', 'skipped', 'unassigned', 'cancelled'];
const PRIORITY = { low: 'LOW', normal: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' } as const;

/** A task description's limit (the plan task schema's). */
const MAX_DESCRIPTION = taskSpecSchema.shape.description.maxLength ?? 20_000;
const CUT_NOTE =
  "…\n\n(cut: the decider's answer was longer than a task description may be; its files and key information are whole in the task's inputs)";

/**
 * The task a decider's create-task decision adds, checked against the plan task schema: the spec,
 * or why it is not one (the decision then becomes an escalation, `overruled`).
 */
export function decidedSpec(
  taskId: string,
  after: string,
  d: Decision,
  isAgent: (id: string) => boolean,
): { ok: true; spec: TaskSpec } | { ok: false; why: string } {
  const parsed = taskSpecSchema.safeParse(decidedTask(taskId, after, d, isAgent));
  if (parsed.success) return { ok: true, spec: parsed.data };
  const issue = parsed.error.issues[0]!;
  return {
    ok: false,
    why: `the task to add is not valid (${formatPath(issue.path) || 'task'}: ${issue.message})`,
  };
}

/**
 * The task a decider's create-task decision adds: the description with referenced files and key
 * information, the agent (an agent id pins it; otherwise it names a skill), the context in
 * metadata. It runs after the task that prompted it, however that one ended.
 */
export function decidedTask(taskId: string, after: string, d: Decision, isAgent: (id: string) => boolean) {
  const target = d.next_agent_type ?? '';
  const pin = target && isAgent(target) ? target : undefined;
  const files = d.context_to_pass?.files_to_reference ?? [];
  const info = d.context_to_pass?.key_information ?? '';
  const description = [
    (d.task_description ?? '').trim(),
    files.length ? `Reference files: ${files.join(', ')}` : '',
    info ? `Context: ${info}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    task_id: taskId,
    // The decision's parts may together pass a task description's limit (10,000 + 50 × 500 +
    // 5,000): cut, saying so; the files and key information stay whole in the inputs below.
    description:
      description.length > MAX_DESCRIPTION
        ? description.slice(0, MAX_DESCRIPTION - CUT_NOTE.length) + CUT_NOTE
        : description,
    // A next_agent_type may be longer than a skill may be, or no skill at all: then none is asked.
    required_skills: !pin && skillSchema.safeParse(target).success ? [target] : [],
    ...(pin ? { agent: pin } : {}),
    depends_on: [after],
    condition: { dependencies: { [after]: ANY_END } },
    priority: PRIORITY[d.urgency],
    inputs: {
      orchestrator_decision: true,
      previous_task_id: after,
      context: { files, key_information: info },
      reasoning: d.reasoning,
    },
  };
}

/** An escalation: a task that is a person's decision, done when they approve it. */
export function escalationTask(taskId: string, after: string, reasoning: string) {
  return {
    task_id: taskId,
    description: `A person decides how to go on: ${reasoning}`,
    depends_on: [after],
    condition: { dependencies: { [after]: ANY_END } },
    requires_approval: true,
    priority: 'HIGH' as const,
    inputs: { baton_gate: true, previous_task_id: after },
  };
}

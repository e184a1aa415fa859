import type { SkillMatch } from '../../../../src-shared/contract/domains/scope.ts';
import { skillMatchText } from '../../../../src-shared/contract/domains/scope.ts';
import type { PlanInput } from '../../../../src-shared/schemas/plan.ts';

/** How a task's skill reads in the review: the draft's match, or the person's choice, or a warning. */
export interface SkillNote {
  text: string;
  /** Something to fix or check: no skill (any agent could take it), or a closest match. */
  warn: boolean;
}

/**
 * The note beside a drafted task's skill: how the draft matched it ("write → email: what an
 * agent calls it"), that the person chose another, or that it has none: any agent could take it.
 */
export function skillNote(skill: string | undefined, match: SkillMatch | undefined): SkillNote {
  if (match && (match.skill ?? undefined) === skill) {
    if (match.how === 'none')
      return { text: `${skillMatchText(match)}: pick a skill an agent has, or register one`, warn: true };
    return { text: skillMatchText(match), warn: match.how === 'closest' };
  }
  if (!skill) return { text: 'No skill: any agent could take it. Pick the one it needs.', warn: true };
  return { text: 'chosen by you', warn: false };
}

/** A task's one skill as the review edits it (the draft gives each task at most one). */
export function withSkill(plan: PlanInput, taskId: string, skill: string): PlanInput {
  return {
    ...plan,
    tasks: plan.tasks.map((t) =>
      t.task_id === taskId ? { ...t, required_skills: skill ? [skill] : [] } : t,
    ),
  };
}

/** The tasks a task could come after in the review: every other one. */
export const otherTasks = (plan: PlanInput, taskId: string): string[] =>
  plan.tasks.map((t) => t.task_id).filter((id) => id !== taskId);

import { idProblem } from '../../../../src-shared/schemas/plain/id.ts';

/** What is wrong with a plan id typed for a new plan, in words, or null when it is fine. */
export function planIdProblem(id: string, taken: (id: string) => boolean): string | null {
  if (id.trim() === '') return 'Give the plan an id.';
  const problem = idProblem(id);
  if (problem) return `Plan id ${problem}.`;
  if (taken(id)) return `A plan with the id ${id} exists already: choose another.`;
  return null;
}

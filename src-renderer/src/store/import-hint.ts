import { agentsFileSchema } from '../../../src-shared/schemas/agent.ts';

/**
 * Why a file the user tried to import as a plan is not one, when it is plainly something else:
 * an agents file (agents, no tasks) belongs on the Agents screen. Null when there is no such hint.
 */
export function planImportHint(value: unknown): string | null {
  const hasTasks = value !== null && typeof value === 'object' && !Array.isArray(value) && 'tasks' in value;
  if (hasTasks || !agentsFileSchema.safeParse(value).success) return null;
  return 'This looks like an agents file (it has agents, no tasks) — import it on the Agents screen.';
}

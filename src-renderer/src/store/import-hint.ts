/**
 * Why a file the user tried to import as a plan is not one, when it is plainly something else:
 * an agents file (agents, no tasks) belongs on the Agents screen. Null when there is no such hint.
 * The agents schema (and zod with it) loads on the first import, not with the first screen.
 */
export async function planImportHint(value: unknown): Promise<string | null> {
  const hasTasks = value !== null && typeof value === 'object' && !Array.isArray(value) && 'tasks' in value;
  if (hasTasks) return null;
  let schemas: typeof import('../../../src-shared/schemas/agent.ts');
  try {
    schemas = await import('../../../src-shared/schemas/agent.ts');
  } catch {
    // Not loaded (an update replaced the build, the host went away): no hint, the plain error stands.
    return null;
  }
  if (!schemas.agentsFileSchema.safeParse(value).success) return null;
  return 'This looks like an agents file (it has agents, no tasks) — import it on the Agents screen.';
}

import type { Agent } from '../schemas/agent.ts';
import type { PlanSummary } from '../schemas/plan.ts';
import type { BatonClient } from './client.ts';
import type { ValidationIssue } from './errors.ts';
import { ContractError, firstIssueText, formatPath } from './errors.ts';

/**
 * An example Baton ships (resources/examples/first-steps.json, laptops-research.json): agents, notes to
 * write to memory first, and plans, in one file. Loaded the same way by the first open's buttons
 * and by `baton run <example.json>`.
 */
export interface ExampleBundle {
  about?: string;
  agents?: unknown[];
  /** memory.write inputs: what the example's agents will find in Baton's memory. */
  notes?: { agent_id: string; content: string | Record<string, unknown>; tags?: string[] }[];
  plans: unknown[];
}

/** A file is an example bundle (not a plan) when it carries a list of plans. */
export function isExampleBundle(value: unknown): value is ExampleBundle {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Array.isArray((value as { plans?: unknown }).plans)
  );
}

export interface LoadedExample {
  agents: Agent[];
  /** Notes written now; those already in memory (an example loaded before) are not written again. */
  notesWritten: number;
  /** The plans in the file's order. */
  plans: PlanSummary[];
}

/** `invalid_input` naming the first issue (`what is invalid: path: message (and N more)`), every issue in details. */
export function invalidError(what: string, issues: ValidationIssue[]): ContractError {
  const message = issues.length > 0 ? `${what} is invalid: ${firstIssueText(issues)}` : `${what} is invalid`;
  return new ContractError({ code: 'invalid_input', message, details: { issues } });
}

/** `issue` of a value found at `prefix` in a larger file: its path from there. */
function under(prefix: readonly PropertyKey[], issue: ValidationIssue): ValidationIssue {
  const at = formatPath(prefix);
  const rest = issue.path === '(root)' ? '' : issue.path.startsWith('[') ? issue.path : `.${issue.path}`;
  return { path: `${at}${rest}`, message: issue.message };
}

/** Refuses a plan (`plans.validate`) before anything is written, naming every issue (`plan is invalid: tasks[0]…`). */
export async function checkPlan(client: Pick<BatonClient, 'invoke'>, plan: unknown): Promise<void> {
  const report = await client.invoke('plans.validate', { plan });
  if (!report.ok) throw invalidError('plan', report.issues);
}

/**
 * Refuses an example unless all of it can be loaded: its agents and notes (their schemas) and
 * every plan (`plans.validate`), each issue named by its path in the file
 * (`example file is invalid: plans[0].tasks[0].depends_on[0]: …`). Nothing is written.
 */
export async function checkExampleBundle(
  client: Pick<BatonClient, 'invoke'>,
  bundle: ExampleBundle,
): Promise<void> {
  const issues: ValidationIssue[] = [];
  // The schemas (and zod with them) load here, not with the module: the UI's first screen holds
  // this module (its example buttons), and zod loads only with a form or a check.
  const [{ agentsFileSchema }, { memoryWriteInputSchema }] = await Promise.all([
    import('../schemas/agent.ts'),
    import('../schemas/memory.ts'),
  ]);
  const zodIssues = (prefix: PropertyKey[], err: { issues: { path: PropertyKey[]; message: string }[] }) =>
    err.issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));
  if (bundle.agents !== undefined) {
    const parsed = agentsFileSchema.safeParse(bundle.agents);
    if (!parsed.success) issues.push(...zodIssues(['agents'], parsed.error));
  }
  const notes: unknown = bundle.notes ?? [];
  if (!Array.isArray(notes)) issues.push({ path: 'notes', message: 'must be a list of notes' });
  else
    notes.forEach((note, n) => {
      const parsed = memoryWriteInputSchema.safeParse(note);
      if (!parsed.success) issues.push(...zodIssues(['notes', n], parsed.error));
    });
  for (const [p, plan] of bundle.plans.entries()) {
    const report = await client.invoke('plans.validate', { plan });
    issues.push(...report.issues.map((i) => under(['plans', p], i)));
  }
  if (issues.length > 0) throw invalidError('example file', issues);
}

/**
 * Imports an example, once all of it is found valid (`checkExampleBundle`, unless the caller
 * checked it): its agents, its notes
 * (each one not already there, by author and content), then its plans, last first, so a list
 * newest first shows them in the file's order.
 */
export async function loadExampleBundle(
  client: Pick<BatonClient, 'invoke'>,
  bundle: ExampleBundle,
  opts: { checked?: boolean } = {},
): Promise<LoadedExample> {
  // `checked`: the caller ran `checkExampleBundle` already (before writes of its own).
  if (!opts.checked) await checkExampleBundle(client, bundle);
  const agents = bundle.agents ? await client.invoke('agents.import', { agents: bundle.agents }) : [];
  let notesWritten = 0;
  for (const note of bundle.notes ?? []) {
    const there = await client.invoke('memory.search', {
      agent_id: note.agent_id,
      type: 'note',
      limit: 1_000,
    });
    const text = JSON.stringify(note.content);
    if (there.some((h) => JSON.stringify(h.entry.content) === text)) continue;
    await client.invoke('memory.write', note);
    notesWritten++;
  }
  const plans: PlanSummary[] = [];
  for (const plan of [...bundle.plans].reverse())
    plans.unshift(await client.invoke('plans.import', { plan }));
  return { agents, notesWritten, plans };
}

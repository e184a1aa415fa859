import type { Agent } from '../schemas/agent.ts';
import type { PlanSummary } from '../schemas/plan.ts';
import type { BatonClient } from './client.ts';

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

/**
 * Imports an example: its agents, its notes (each one not already there, by author and
 * content), then its plans, last first, so a list newest first shows them in the file's order.
 */
export async function loadExampleBundle(
  client: Pick<BatonClient, 'invoke'>,
  bundle: ExampleBundle,
): Promise<LoadedExample> {
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

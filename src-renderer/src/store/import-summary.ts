import { plural } from '../format/plural.ts';

/** Ids in a toast: the first few, then how many more. */
function named(ids: readonly string[], shown = 4): string {
  if (ids.length <= shown) return ids.join(', ');
  return `${ids.slice(0, shown).join(', ')} and ${ids.length - shown} more`;
}

/**
 * What an agents import did, naming the agents: those new, and those already there that it
 * replaced. "Imported 2 agents: ash, hal (new); scribe was updated."
 */
export function agentsImported(saved: readonly { id: string }[], before: readonly { id: string }[]): string {
  if (saved.length === 0) return 'The file had no agents: nothing was imported.';
  const known = new Set(before.map((a) => a.id));
  const added = saved.filter((a) => !known.has(a.id)).map((a) => a.id);
  const updated = saved.filter((a) => known.has(a.id)).map((a) => a.id);
  const parts: string[] = [];
  if (added.length > 0) parts.push(`${plural(added.length, 'new agent')}: ${named(added)}`);
  if (updated.length > 0) parts.push(`${plural(updated.length, 'agent')} updated: ${named(updated)}`);
  return `Imported ${parts.join('; ')}.`;
}

/** What a plan import did: the plan by its name and id, and the version it is now. */
export function planImported(summary: {
  plan_id: string;
  name: string;
  version: number;
  task_count: number;
}) {
  const name =
    summary.name && summary.name !== summary.plan_id
      ? `${summary.name} (${summary.plan_id})`
      : summary.plan_id;
  return `Imported ${name}: ${summary.version === 1 ? 'a new plan' : `version ${summary.version}`} with ${plural(summary.task_count, 'task')}.`;
}

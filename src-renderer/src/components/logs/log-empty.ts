/**
 * What an empty list of the Build logs screen says, by what narrowed it: nothing written yet (and
 * what will be), nothing matching the words searched, or nothing the filters keep (then the way
 * out is to clear them).
 */
export function emptyLogText(
  tab: 'memory' | 'audit',
  query: string,
  filtered: boolean,
): { text: string; clear: boolean } {
  const where = tab === 'audit' ? 'the audit log' : 'memory';
  if (query && filtered)
    return { text: `Nothing in ${where} matches “${query}” with these filters.`, clear: true };
  if (query) return { text: `Nothing in ${where} matches “${query}”.`, clear: false };
  if (filtered)
    return {
      text:
        tab === 'audit' ? 'No audit entry matches these filters.' : 'No memory entry matches these filters.',
      clear: true,
    };
  return {
    text:
      tab === 'audit'
        ? 'Nothing in the audit log yet. Every change is written here with who made it and when: runs and tasks as they move, decisions, and what people change in agents, workspaces, plans, secrets (their names, never a value), schedules, triggers, webhooks and settings.'
        : 'No entries yet. Run a plan to write some: each run writes a build log, its tasks their results, its decider its decisions.',
    clear: false,
  };
}

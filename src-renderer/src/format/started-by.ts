/** A run a GitHub issue started (a `github_issues` trigger) says `github-issue:<owner/name>#<number>`. */
const ISSUE = /^github-issue:([^#\s]+)#(\d+)$/;

/**
 * Who or what started a run, in words, from its `started_by`: a person's name, or what Baton
 * records for a schedule firing, a trigger's call, the command line, an agent over MCP and the
 * REST API, a pull request's fix round (`github`) and a GitHub issue (`github-issue:acme/app#12`).
 * Null for a run from before it was recorded (nothing is said).
 */
export function startedByText(startedBy: string | null): string | null {
  const issue = startedBy ? ISSUE.exec(startedBy) : null;
  if (issue) return `started by GitHub issue #${issue[2]} of ${issue[1]} (a trigger watching its label)`;
  switch (startedBy) {
    case null:
    case '':
      return null;
    case 'schedule':
      return 'started by a schedule';
    case 'trigger':
      return 'started by a trigger (an incoming call)';
    case 'cli':
      return 'started from the command line';
    case 'mcp':
      return 'started by an agent over MCP';
    case 'api':
      return 'started through the REST API';
    case 'user':
      return 'started by someone unnamed';
    case 'github':
      return 'started by its pull request on GitHub (a fix round: failing checks or a review asking for changes)';
    default:
      return `started by ${startedBy}`;
  }
}

/** What not a person started a run as, in a word or two (`startedByShort`): the rest are names. */
const SHORT: Record<string, string> = {
  schedule: 'a schedule',
  trigger: 'a trigger',
  cli: 'command line',
  mcp: 'an agent (MCP)',
  api: 'REST API',
  user: 'someone unnamed',
  github: 'GitHub fix round',
};

/** Who or what started a run, for a table's "By" column (`startedByText` says it in a sentence). */
export function startedByShort(startedBy: string | null): string | null {
  if (startedBy === null || startedBy === '') return null;
  const issue = ISSUE.exec(startedBy);
  if (issue) return `GitHub issue #${issue[2]}`;
  return SHORT[startedBy] ?? startedBy;
}

/**
 * Who or what started a run, in words, from its `started_by`: a person's name, or what Baton
 * records for a schedule firing, a trigger's call, the command line, an agent over MCP and the
 * REST API. Null for a run from before it was recorded (nothing is said).
 */
export function startedByText(startedBy: string | null): string | null {
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
    default:
      return `started by ${startedBy}`;
  }
}

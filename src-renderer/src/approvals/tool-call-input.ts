/**
 * The arguments of a tool call as a person edits them in the inbox: pretty JSON in, and back
 * out only as a JSON object (what a tool takes), or an error that says what is wrong and where.
 */
export function prettyArguments(input: unknown): string {
  return JSON.stringify(input ?? {}, null, 2);
}

export type ParsedArguments = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

export function parseArguments(text: string): ParsedArguments {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Arguments are not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      ok: false,
      error: `Arguments must be a JSON object ({ … }), not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`,
    };
  return { ok: true, value: value as Record<string, unknown> };
}

/** Whether the edited arguments differ from the agent's (key order and spacing aside). */
export function argumentsChanged(asked: unknown, edited: Record<string, unknown>): boolean {
  return canonical(asked) !== canonical(edited);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null)
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Where Baton reports an error nobody is waiting to hear of (a background job's, a request's
 * unexpected one); `where` names what failed. The app's default writes one line to stderr.
 */
export type ErrorLog = (err: unknown, where?: string) => void;

/** One line for an error: its name, message and the frame it came from (never its stack). */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return oneLine(String(err));
  const frame = err.stack
    ?.split('\n')
    .find((l) => l.trimStart().startsWith('at '))
    ?.trim();
  return oneLine(`${err.name}: ${err.message}${frame ? ` (${frame})` : ''}`);
}

/** The log line for an error: what failed (when known), then the error in one line. */
export function errorLine(err: unknown, where?: string): string {
  return where ? `${where} failed: ${describeError(err)}` : describeError(err);
}

/** The default `ErrorLog`: one line on stderr, whatever the error holds (a stack, newlines). */
export const logToStderr: ErrorLog = (err, where) => {
  console.error(errorLine(err, where));
};

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 500 ? `${flat.slice(0, 500)}…` : flat;
}

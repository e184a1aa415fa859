/**
 * The stdout line protocol of command agents (resources/agents/PROTOCOL.md):
 * `::progress <0-100> <message>`, `::result <json>`, `::error <message>`; anything else is
 * a log line.
 */
export type ProtocolLine =
  | { kind: 'progress'; percent: number; message?: string }
  | { kind: 'result'; json: string }
  | { kind: 'error'; message: string }
  | { kind: 'log' };

const PROGRESS = /^::progress\s+(-?\d+(?:\.\d+)?)(?:\s+(.*))?$/;

export function parseProtocolLine(line: string): ProtocolLine {
  if (!line.startsWith('::')) return { kind: 'log' };
  const progress = PROGRESS.exec(line);
  if (progress) {
    const percent = Math.min(100, Math.max(0, Number(progress[1])));
    const message = progress[2]?.trim();
    return message ? { kind: 'progress', percent, message } : { kind: 'progress', percent };
  }
  if (line.startsWith('::result ')) return { kind: 'result', json: line.slice('::result '.length) };
  if (line.startsWith('::error')) {
    const message = line.slice('::error'.length).trim();
    return { kind: 'error', message: message || 'the agent reported an error' };
  }
  return { kind: 'log' };
}

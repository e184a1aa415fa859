import type { AuditEntry, MemoryEntry } from '../../../../src-shared/schemas/memory.ts';

/** The plan, run and task an entry is about, as far as it says (each null when it does not). */
export interface EntryRefs {
  plan: string | null;
  run: string | null;
  task: string | null;
}

/** What is known of a run to link an entry to it: its plan, and the build log it writes. */
export interface RunRef {
  id: string;
  plan_id: string;
  memory_id: string;
}

/** The value of a `key:value` tag, or null. */
const tagged = (tags: readonly string[], key: string): string | null => {
  const tag = tags.find((t) => t.startsWith(`${key}:`));
  return tag ? tag.slice(key.length + 1) : null;
};

/** The run a step found by a search is of: its content names it. */
const runOfContent = (entry: MemoryEntry): string | null => {
  const c = entry.content;
  return entry.type === 'step' &&
    typeof c === 'object' &&
    c !== null &&
    'run_id' in c &&
    typeof c.run_id === 'string'
    ? c.run_id
    : null;
};

/**
 * The best-of candidate a step found by a search is of (its number), or a line a candidate
 * printed ("candidate #2 (qwen-coder): …"); null for anything else.
 */
export function candidateOfEntry(entry: MemoryEntry): number | null {
  const c = entry.content as { step?: { candidate?: unknown }; text?: unknown } | null;
  if (typeof c !== 'object' || c === null) return null;
  if (entry.type === 'step') return typeof c.step?.candidate === 'number' ? c.step.candidate : null;
  if (entry.type !== 'task_log' || typeof c.text !== 'string') return null;
  const m = /^candidate #(\d+) \(/.exec(c.text);
  return m ? Number(m[1]) : null;
}

/**
 * Where a memory entry belongs. A task result, a line a task printed or a decision names its
 * plan and run in its tags (`plan:…`, `run:…`), the first two their task; a step found by a
 * search its run and task; a build log is the one a run points to (`memory_id`), its plan in
 * its tags.
 */
export function memoryRefs(entry: MemoryEntry, runsByLog: ReadonlyMap<string, RunRef>): EntryRefs {
  const byLog = entry.type === 'build_log' ? runsByLog.get(entry.id) : undefined;
  return {
    plan: tagged(entry.tags, 'plan') ?? byLog?.plan_id ?? null,
    run: tagged(entry.tags, 'run') ?? byLog?.id ?? runOfContent(entry),
    task: TASK_ENTRY_TYPES.has(entry.type) ? entry.task_id : null,
  };
}

/** The entries about one task of a run: its result, a line it printed, a step of its attempt. */
const TASK_ENTRY_TYPES: ReadonlySet<string> = new Set(['task_result', 'task_log', 'step']);

/** Where an audit entry belongs: its run (and that run's plan, when the run is known), its task. */
export function auditRefs(entry: AuditEntry, runs: ReadonlyMap<string, RunRef>): EntryRefs {
  const plan =
    entry.entity === 'plan'
      ? entry.entity_id
      : entry.run_id
        ? (runs.get(entry.run_id)?.plan_id ?? null)
        : null;
  return { plan, run: entry.run_id, task: entry.entity === 'task' ? entry.entity_id : null };
}

/** One JSON object a line: what `jq` and log tools read. */
export function toNdjson(entries: readonly unknown[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}

/** A CSV cell: quoted when it holds a comma, a quote or a line break (quotes doubled). */
const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** Rows as CSV (RFC 4180: CRLF line ends), the columns in the order given, a header first. */
export function toCsv<T>(
  columns: readonly (readonly [string, (row: T) => unknown])[],
  rows: readonly T[],
): string {
  const lines = [columns.map(([name]) => cell(name)).join(',')];
  for (const r of rows) lines.push(columns.map(([, get]) => cell(get(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A memory entry's columns in a CSV export (its content as JSON in the last column). */
export const MEMORY_COLUMNS = (
  runsByLog: ReadonlyMap<string, RunRef>,
): (readonly [string, (e: MemoryEntry) => unknown])[] => [
  ['id', (e) => e.id],
  ['type', (e) => e.type],
  ['plan', (e) => memoryRefs(e, runsByLog).plan],
  ['run', (e) => memoryRefs(e, runsByLog).run],
  ['task', (e) => memoryRefs(e, runsByLog).task],
  ['agent', (e) => e.agent_id],
  ['status', (e) => e.status],
  ['tags', (e) => e.tags.join(' ')],
  ['written', (e) => e.created_at],
  ['updated', (e) => e.updated_at],
  ['content', (e) => e.content],
];

/** An audit entry's columns in a CSV export. */
export const AUDIT_COLUMNS = (
  runs: ReadonlyMap<string, RunRef>,
): (readonly [string, (e: AuditEntry) => unknown])[] => [
  ['id', (e) => e.id],
  ['at', (e) => e.at],
  ['actor', (e) => e.actor],
  ['entity', (e) => e.entity],
  ['entity_id', (e) => e.entity_id],
  ['plan', (e) => auditRefs(e, runs).plan],
  ['run', (e) => e.run_id],
  ['from', (e) => e.from_status],
  ['to', (e) => e.to_status],
  ['why', (e) => e.why],
  [
    'changes',
    (e) =>
      (e.changes ?? []).map((c) => `${c.field}: ${c.from ?? 'not set'} → ${c.to ?? 'not set'}`).join('; '),
  ],
];

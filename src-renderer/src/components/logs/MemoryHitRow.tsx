import type { MemoryEntry } from '../../../../src-shared/schemas/memory.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import { useBaton } from '../../store/index.ts';
import { EntryLinks } from './EntryView.tsx';
import type { EntryRefs } from './entry-refs.ts';
import { candidateOfEntry } from './entry-refs.ts';
import { WrittenUpdated } from './WrittenUpdated.tsx';

const WHEN = { dateStyle: 'short', timeStyle: 'short' } as const;
/** What an entry's type is called on its row. */
const TYPE_LABEL: Record<string, string> = { task_log: 'printed', step: 'step' };

/**
 * One memory entry in the Build logs list. A search hit leads with what matched (the snippet,
 * its words marked) and where it is from (the task, the plan, the run), as a log search in
 * GitHub Actions or Airflow shows the line; without a search, the entry's id leads.
 */
export function MemoryHitRow({
  entry,
  snippet,
  refs,
  run,
  open,
  onOpen,
}: {
  entry: MemoryEntry;
  snippet: string | null;
  refs: EntryRefs;
  /** The run the entry is of, when known: its start names it. */
  run: Run | undefined;
  open: boolean;
  onOpen(): void;
}) {
  const planName = useBaton((s) =>
    refs.plan ? s.plans.find((p) => p.plan_id === refs.plan)?.name : undefined,
  );
  const candidate = candidateOfEntry(entry);
  const stream = entry.type === 'task_log' && entry.task_type !== 'stdout' ? entry.task_type : null;
  return (
    <div className="memory-row">
      <button
        type="button"
        className={`memory-item${snippet ? ' hit' : ''}${open ? ' active' : ''}`}
        aria-current={open || undefined}
        title={entry.id}
        onClick={onOpen}
      >
        {snippet ? (
          <>
            <div className="hit-snippet">
              {stream && <span className={`hit-stream ${stream}`}>{stream}</span>}
              {highlight(snippet)}
            </div>
            <div className="hit-where small">
              {refs.task && <strong>{refs.task}</strong>}
              {candidate !== null && (
                <span title="A best-of candidate of the task">candidate #{candidate}</span>
              )}
              {refs.plan && <span title={`plan ${refs.plan}`}>{planName ?? refs.plan}</span>}
              {refs.run && (
                <span>
                  {run
                    ? `run of ${new Date(run.created_at).toLocaleString(undefined, WHEN)}`
                    : `run ${refs.run}`}
                </span>
              )}
              <span className="pill">{TYPE_LABEL[entry.type] ?? entry.type}</span>
              <span className="muted">
                {memoryLine(entry)} · <WrittenUpdated created={entry.created_at} updated={entry.updated_at} />
              </span>
            </div>
          </>
        ) : (
          <>
            <span className="pill">{entry.type}</span> <code>{entry.id}</code>{' '}
            <span className="muted small">
              {memoryLine(entry)} · <WrittenUpdated created={entry.created_at} updated={entry.updated_at} />
            </span>
            <RefColumns refs={refs} />
          </>
        )}
      </button>
      <EntryLinks refs={refs} compact />
    </div>
  );
}

/** The plan, run and task an entry is about, each in a column of its own. */
export function RefColumns({ refs }: { refs: EntryRefs }) {
  if (!refs.plan && !refs.run && !refs.task) return null;
  return (
    <span className="ref-columns small">
      {refs.plan && <span>plan {refs.plan}</span>}
      {refs.run && <span>run {refs.run}</span>}
      {refs.task && <span>task {refs.task}</span>}
    </span>
  );
}

/**
 * A memory entry's line: its agent, other tags and status; when it was written (the list's order,
 * newest first) and last updated follow it as relative times.
 */
function memoryLine(entry: MemoryEntry): string {
  // Tags the row shows as columns (plan, run), or says already (its type, its agent), are left out.
  const tags = entry.tags.filter((t) => t !== entry.type && !/^(plan|run|agent):/.test(t));
  return [entry.agent_id, ...tags, entry.status].filter(Boolean).join(' · ');
}

/** An FTS snippet with its matches (between [[ and ]]) marked. */
function highlight(snippet: string) {
  return snippet.split(/(\[\[.*?\]\])/g).map((part, i) =>
    part.startsWith('[[') ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: static split of one string
      <mark key={i}>{part.slice(2, -2)}</mark>
    ) : (
      part
    ),
  );
}

import type { ReactNode } from 'react';
import type { AuditChange, AuditEntry, MemoryEntry } from '../../../../src-shared/schemas/memory.ts';
import { CopyButton } from '../shared/CopyButton.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { ValueView } from '../shared/ValueView.tsx';
import type { EntryRefs } from './entry-refs.ts';

/**
 * Links to the run and the task an entry is about: each opens the run in its plan (with the
 * task's panel for the task). Nothing when the entry names no run, or the run's plan is unknown.
 */
export function EntryLinks({ refs, compact }: { refs: EntryRefs; compact?: boolean }) {
  const { plan, run, task } = refs;
  if (!run || !plan) return null;
  return (
    <span className="entry-links">
      <RouteLink
        to={{ screen: 'run', runId: run, taskId: null }}
        className="link-button"
        aria-label={`Open run ${run}`}
      >
        {compact ? 'run' : `Run ${run}`}
      </RouteLink>
      {task && (
        <RouteLink
          to={{ screen: 'run', runId: run, taskId: task }}
          className="link-button"
          aria-label={`Open task ${task} in run ${run}`}
        >
          {compact ? 'task' : `Task ${task}`}
        </RouteLink>
      )}
    </span>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString();

/** One field of an entry: its name and value, or nothing when it has none. */
function Field({ name, children }: { name: string; children: ReactNode }) {
  if (children === null || children === undefined || children === '') return null;
  return (
    <>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** A memory entry laid out: its fields, where it belongs (linked), its content readable, copied whole. */
export function MemoryEntryView({
  entry,
  refs,
  note,
}: {
  entry: MemoryEntry;
  refs: EntryRefs;
  note?: ReactNode;
}) {
  return (
    <section className="entry-view" aria-label="Entry details">
      {note}
      <header>
        <span className="pill">{entry.type}</span> <code>{entry.id}</code>
        <CopyButton text={() => JSON.stringify(entry, null, 2)} label="Copy JSON" what="the entry as JSON" />
      </header>
      <dl>
        <Field name="Plan">{refs.plan}</Field>
        <Field name="Run">{refs.run}</Field>
        <Field name="Task">{refs.task}</Field>
        <Field name="Agent">{entry.agent_id}</Field>
        <Field name="Status">{entry.status}</Field>
        <Field name="Tags">{entry.tags.join(', ')}</Field>
        <Field name="Written">{when(entry.created_at)}</Field>
        <Field name="Updated">{entry.updated_at !== entry.created_at ? when(entry.updated_at) : null}</Field>
      </dl>
      <EntryLinks refs={refs} />
      <h3>Content</h3>
      <ValueView value={entry.content} label="Entry content" what="the content" />
    </section>
  );
}

/** An audit entry laid out: who changed what, from and to, why, and where (linked). */
export function AuditEntryView({
  entry,
  refs,
  note,
}: {
  entry: AuditEntry;
  refs: EntryRefs;
  note?: ReactNode;
}) {
  return (
    <section className="entry-view" aria-label="Entry details">
      {note}
      <header>
        <span className="pill">{entry.entity}</span> <code>{entry.entity_id}</code>
        <CopyButton text={() => JSON.stringify(entry, null, 2)} label="Copy JSON" what="the entry as JSON" />
      </header>
      <dl>
        <Field name="When">{when(entry.at)}</Field>
        <Field name="By">{entry.actor}</Field>
        <Field name="Change">
          {entry.from_status === null
            ? (entry.to_status ?? '—')
            : `${entry.from_status} → ${entry.to_status ?? '—'}`}
        </Field>
        <Field name="Why">{entry.why}</Field>
        <Field name="Plan">{refs.plan}</Field>
        <Field name="Run">{refs.run}</Field>
        <Field name="Task">{refs.task}</Field>
      </dl>
      <EntryLinks refs={refs} />
      {entry.changes && entry.changes.length > 0 && <AuditChanges changes={entry.changes} />}
    </section>
  );
}

/** What a person changed, field by field: before and after ("(hidden)" where a value may be a secret). */
function AuditChanges({ changes }: { changes: readonly AuditChange[] }) {
  return (
    <>
      <h3>What changed</h3>
      <table className="audit-changes small">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.field}>
              <th scope="row">
                <code>{c.field}</code>
              </th>
              <td className={c.from === null ? 'muted' : undefined}>{c.from ?? 'not set'}</td>
              <td className={c.to === null ? 'muted' : undefined}>{c.to ?? 'not set'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

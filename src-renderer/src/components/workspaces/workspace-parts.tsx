import { Fragment } from 'react';
import type { PruneReport } from '../../../../src-shared/contract/domains/workspaces.ts';
import { quoteArg } from '../../format/argv.ts';
import { plural } from '../../format/plural.ts';

/** Small parts of a workspace's row on the Workspaces screen. */

/** A path that, when it must wrap, wraps after a slash rather than inside a folder's name. */
export function breakablePath(path: string) {
  return path.split('/').map((part, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one path, in order, never reordered
    <Fragment key={i}>
      {i > 0 && (
        <>
          /<wbr />
        </>
      )}
      {part}
    </Fragment>
  ));
}

/** The plans that name the workspace: a few by name, the rest counted (all of them on hover). */
export function PlansNaming({ plans }: { plans: { plan_id: string; name: string }[] }) {
  if (plans.length === 0) return <span className="muted small plans-naming">no plan names it yet</span>;
  const shown = plans.slice(0, 3).map((p) => p.name);
  const more = plans.length - shown.length;
  return (
    <span className="small plans-naming" title={plans.map((p) => p.name).join(', ')}>
      named by {plans.length === 1 ? 'plan' : 'plans'} {shown.join(', ')}
      {more > 0 ? ` and ${more} more` : ''}
    </span>
  );
}

/** The workspace's worktrees on disk: tasks' (in use or kept) and parked ones. */
export function WorktreeUse({ open, parked }: { open: number; parked: number }) {
  if (open === 0 && parked === 0) return <span className="muted">none</span>;
  return (
    <>
      {open > 0 && (
        <div title="Tasks' worktrees on disk: in use by a run, or kept by a person">{open} open</div>
      )}
      {parked > 0 && (
        <div
          className="muted"
          title="Finished tasks' worktrees kept for the next attempt, so it need not check out every file; Prune removes them"
        >
          {parked} parked
        </div>
      )}
    </>
  );
}

/** What pruning did: removed worktrees, cleared records, and what it left and why. */
export function PruneNote({ report, onIncludeKept }: { report: PruneReport; onIncludeKept(): void }) {
  const kept = report.left.filter((l) => /kept/i.test(l.why));
  return (
    <output className="prune-report" aria-label={`Pruned ${report.workspace_id}`}>
      <span>
        Pruned {report.workspace_id}: {plural(report.removed.length, 'worktree')} removed,{' '}
        {plural(report.pruned.length, 'stale record')} cleared
        {report.left.length > 0 ? `, ${report.left.length} left` : ''}.
      </span>
      {report.left.length > 0 && (
        <ul className="small">
          {report.left.map((l) => (
            <li key={l.dir}>
              <code>{l.dir}</code> ({l.run_id} / {l.task_id}): {l.why}
            </li>
          ))}
        </ul>
      )}
      {kept.length > 0 && (
        <button type="button" onClick={onIncludeKept}>
          Also remove kept worktrees
        </button>
      )}
    </output>
  );
}

/** A command line that wraps between its arguments, not inside one (`npm install --prefer-offline`). */
export function Argv({ args }: { args: readonly string[] }) {
  return (
    <code className="argv">
      {args.map((a, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: arguments repeat, and their order is the identity
        <Fragment key={i}>
          {i > 0 && ' '}
          <span className="arg">{quoteArg(a)}</span>
        </Fragment>
      ))}
    </code>
  );
}

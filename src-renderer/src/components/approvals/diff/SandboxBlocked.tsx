import { useEffect, useState } from 'react';
import { sandboxPolicyOf } from '../../../../../src-shared/schemas/sandbox.ts';
import type { Step } from '../../../../../src-shared/schemas/step.ts';
import { api } from '../../../api/client.ts';
import type { CacheWrite } from '../../../steps/cache-writes.ts';
import { cacheWrites } from '../../../steps/cache-writes.ts';
import { blockedByCandidate, blockedLines } from '../../../steps/sandbox-blocked.ts';
import { useBaton } from '../../../store/index.ts';

/**
 * What the OS sandbox refused the attempt under review ("2 connections blocked: example.com"),
 * read from the same steps the task panel's trace shows (the attempt is over: they are all
 * there); nothing when it refused nothing. A best-of attempt's candidates ran side by side: the
 * candidate under review's are said, and each other candidate's apart, never one sum. Writes to a
 * package manager's cache are no finding of the work: said apart, with the one click that lets
 * the workspace's setup and checks write it.
 */
export function SandboxBlocked({
  runId,
  taskId,
  attempt,
  candidates,
  workspaceId,
}: {
  runId: string;
  taskId: string;
  attempt: number;
  /** A best-of attempt: its candidates, and the one under review. */
  candidates?: { all: readonly number[]; underReview: number } | undefined;
  workspaceId?: string | undefined;
}) {
  const [steps, setSteps] = useState<Step[]>([]);
  useEffect(() => {
    let live = true;
    api
      .taskSteps(runId, taskId)
      .then((all) => {
        if (live) setSteps(all.filter((s) => s.attempt === attempt));
      })
      // The review goes on without the line: the trace in the task panel says the same.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [runId, taskId, attempt]);
  if (!steps.some((s) => s.kind === 'sandbox')) return null;
  const caches = cacheWrites(steps);
  const noise = caches.length > 0 && <CacheNoise caches={caches} workspaceId={workspaceId} />;
  if (!candidates) {
    const lines = blockedLines(steps);
    return (
      <>
        {lines.length > 0 && (
          <BlockedList lines={lines} label={`Blocked by the sandbox in attempt ${attempt}`} />
        )}
        {noise}
      </>
    );
  }
  const { underReview, others } = blockedByCandidate(steps, candidates.all, candidates.underReview);
  return (
    <div className="sandbox-blocked-candidates small">
      {underReview.length > 0 ? (
        <BlockedList
          lines={underReview}
          label={`Blocked by the sandbox in candidate #${candidates.underReview}, under review`}
          head={`Candidate #${candidates.underReview} (under review):`}
        />
      ) : (
        <p className="muted">
          The sandbox blocked nothing in candidate #{candidates.underReview}, under review.
        </p>
      )}
      {others.length > 0 && <p className="muted">Other candidates: {others.join('; ')}</p>}
      {noise}
    </div>
  );
}

function BlockedList({ lines, label, head }: { lines: readonly string[]; label: string; head?: string }) {
  return (
    <ul className="small sandbox-blocked" aria-label={label}>
      {head && <li className="sandbox-blocked-head">{head}</li>}
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

/** The caches the sandbox kept from being written: not the work's doing; the remedy where it is one click. */
function CacheNoise({ caches, workspaceId }: { caches: CacheWrite[]; workspaceId: string | undefined }) {
  const w = useBaton((s) => s.workspaces.find((x) => x.id === workspaceId));
  const upsert = useBaton((s) => s.upsertWorkspace);
  const fail = useBaton((s) => s.fail);
  const [done, setDone] = useState<ReadonlySet<string>>(new Set());
  const allowed = new Set(w?.sandbox?.write_allow ?? []);
  const allow = async (folder: string) => {
    if (!w) return;
    const policy = sandboxPolicyOf(w.sandbox ?? undefined);
    try {
      upsert(
        await api.updateWorkspace({
          workspace_id: w.id,
          sandbox: { ...policy, write_allow: [...policy.write_allow, folder] },
        }),
      );
      setDone((d) => new Set([...d, folder]));
    } catch (err) {
      fail(`Workspace ${w.id} may not write ${folder}`, err);
    }
  };
  return (
    <div className="small muted cache-noise" role="note" aria-label="Package caches the sandbox kept">
      {caches.map((c) => (
        <p key={`${c.owner} ${c.folder}`}>
          The sandbox kept {c.owner === 'workspace' ? 'the checks' : 'the agent'} from writing {c.tool}'s
          cache <code>{c.folder}</code>: not a finding of the work (it only runs slower).{' '}
          {c.owner === 'workspace' && w ? (
            done.has(c.folder) || allowed.has(c.folder) ? (
              <span>Workspace {w.id}'s setup and checks may write it from the next attempt.</span>
            ) : (
              <button type="button" className="link-button" onClick={() => void allow(c.folder)}>
                Let workspace {w.id}'s setup and checks write it
              </button>
            )
          ) : (
            <span>The agent's Sandbox (Agents → Edit) can let it write there.</span>
          )}
        </p>
      ))}
    </div>
  );
}

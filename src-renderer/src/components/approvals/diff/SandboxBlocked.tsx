import { useEffect, useState } from 'react';
import { sandboxPolicyOf } from '../../../../../src-shared/schemas/sandbox.ts';
import { api } from '../../../api/client.ts';
import type { CacheWrite } from '../../../steps/cache-writes.ts';
import { cacheWrites } from '../../../steps/cache-writes.ts';
import { blockedLines } from '../../../steps/sandbox-blocked.ts';
import { useBaton } from '../../../store/index.ts';

/**
 * What the OS sandbox refused the attempt under review ("2 connections blocked: example.com"),
 * read from the same steps the task panel's trace shows (the attempt is over: they are all
 * there); nothing when it refused nothing. Writes to a package manager's cache are no finding of
 * the work: said apart, with the one click that lets the workspace's setup and checks write it.
 */
export function SandboxBlocked({
  runId,
  taskId,
  attempt,
  workspaceId,
}: {
  runId: string;
  taskId: string;
  attempt: number;
  workspaceId?: string | undefined;
}) {
  const [lines, setLines] = useState<string[]>([]);
  const [caches, setCaches] = useState<CacheWrite[]>([]);
  useEffect(() => {
    let live = true;
    api
      .taskSteps(runId, taskId)
      .then((steps) => {
        if (!live) return;
        const mine = steps.filter((s) => s.attempt === attempt);
        setLines(blockedLines(mine));
        setCaches(cacheWrites(mine));
      })
      // The review goes on without the line: the trace in the task panel says the same.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [runId, taskId, attempt]);
  if (lines.length === 0 && caches.length === 0) return null;
  return (
    <>
      {lines.length > 0 && (
        <ul className="small sandbox-blocked" aria-label={`Blocked by the sandbox in attempt ${attempt}`}>
          {lines.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
      {caches.length > 0 && <CacheNoise caches={caches} workspaceId={workspaceId} />}
    </>
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

import { useEffect, useState } from 'react';
import type { PortsNow, PortsReach } from '../../../../../src-shared/schemas/worktrees.ts';
import { worktreesApi } from '../../../api/worktrees.ts';
import { RouteLink } from '../../shared/RouteLink.tsx';
import { FORWARD_PORTS_LABEL } from '../../workspaces/workspace-form.ts';

/** How often an open panel looks again while its task's agent runs (servers come and go then). */
const LOOK_EVERY_MS = 3_000;

/**
 * A coding task's block of ports on its panel, and a link to each port something listens on now
 * (asked of the host, which looks: the agent's sandbox's sockets, a connection on this machine).
 * Asked while the panel is open only: once when it opens, then every few seconds while the task
 * runs; never for a closed panel.
 */
export function WorktreePorts({
  runId,
  taskId,
  running,
}: {
  runId: string;
  taskId: string;
  running: boolean;
}) {
  const [now, setNow] = useState<PortsNow | null>(null);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const look = () => {
      // Started in a promise: a client not connected yet is a rejection, not a throw in the effect.
      Promise.resolve()
        .then(() => worktreesApi.ports(runId, taskId))
        .then(
          (p) => live && setNow(p),
          () => live && setNow(null),
        )
        .finally(() => {
          if (live && running) timer = setTimeout(look, LOOK_EVERY_MS);
        });
    };
    look();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [runId, taskId, running]);
  if (!now?.ports) return null;
  const { ports, reach, listening } = now;
  const last = ports.first + ports.count - 1;
  // In a browser on another machine, 127.0.0.1 is that machine, not Baton's.
  const elsewhere =
    typeof window !== 'undefined' &&
    window.baton === undefined &&
    !['127.0.0.1', 'localhost', '[::1]', '::1'].includes(window.location.hostname);
  return (
    <section className="worktree-ports small" aria-label={`Ports of ${taskId}`}>
      <p>
        Ports {ports.first}–{last} (<code>PORT={ports.first}</code>,{' '}
        <code>
          BATON_PORTS={ports.first}-{last}
        </code>
        )
      </p>
      {listening.length > 0 ? (
        <ul>
          {listening.map((l) => (
            <li key={l.port}>
              <a href={`http://127.0.0.1:${l.port}/`} target="_blank" rel="noreferrer">
                http://127.0.0.1:{l.port}/
              </a>{' '}
              <span className="muted">
                {l.where === 'sandbox' ? 'in the agent’s sandbox' : 'a program on this machine'}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        // Without the forwarder only this machine is looked at: a server in the sandbox is not seen.
        <p>
          {reach.via === 'off'
            ? 'Nothing on this machine listens on them now.'
            : 'Nothing listens on them now.'}
        </p>
      )}
      {reach.via === 'off' ? (
        <p className="muted worktree-ports-off">
          Its agent runs in the OS sandbox: servers it starts can’t be reached from this machine while
          workspace {reach.workspace_id} does not forward its ports. Turn on <em>{FORWARD_PORTS_LABEL}</em> in{' '}
          <RouteLink to={{ screen: 'workspaces', sandboxOf: reach.workspace_id }} className="link">
            the sandbox of workspace {reach.workspace_id}
          </RouteLink>
          ; the agent’s next attempt gets it.
        </p>
      ) : (
        <p className="muted">{reachWords(reach)}</p>
      )}
      {elsewhere && listening.length > 0 && (
        <p className="muted">
          127.0.0.1 is the machine Baton runs on: from this browser’s machine these links do not reach it.
        </p>
      )}
    </section>
  );
}

/** How its agent's servers are reached, in words (`off` is said with a link where it is drawn). */
function reachWords(reach: Exclude<PortsReach, { via: 'off' }>): string {
  switch (reach.via) {
    case 'forwarder': {
      const forwarded = 'Forwarded into the agent’s sandbox while it runs, on 127.0.0.1 only.';
      if (reach.refused.length === 0) return forwarded;
      const which = reach.refused.join(', ');
      return `${forwarded} Not ${which}: another program on this machine listened there first.`;
    }
    case 'loopback':
      return 'Its agent runs without the OS sandbox: its servers listen on this machine.';
    case 'none':
      return `A server of its agent is not reached now: ${reach.why}.`;
  }
}

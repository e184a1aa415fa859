import type { SandboxPolicy, SandboxStatus } from '../../../../src-shared/schemas/sandbox.ts';
import { sandboxStateOf } from './sandbox-draft.ts';

/**
 * An agent's or workspace's sandbox, as a badge: "sandboxed", a warning "sandbox off", or
 * "sandbox cannot run here"; why, as its title and, with `why`, in a line under it.
 */
export function SandboxBadge({
  policy,
  status,
  why = false,
}: {
  policy: Partial<SandboxPolicy> | null | undefined;
  status: SandboxStatus | null;
  why?: boolean;
}) {
  const s = sandboxStateOf(policy, status);
  return (
    <>
      <span className={`sandbox-badge sandbox-${s.state}`} title={s.why}>
        {s.state === 'off' && <span aria-hidden="true">⚠ </span>}
        {s.label}
      </span>
      {why && <span className="sandbox-why muted small">{s.why}</span>}
    </>
  );
}

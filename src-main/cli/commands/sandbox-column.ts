import type { SandboxPolicy, SandboxPolicyInput } from '../../../src-shared/schemas/sandbox.ts';

/**
 * The SANDBOX column of `baton agents list` and `baton workspaces list`: `off (unconfined)`, or
 * `required`, with the hosts it lists (`+2 hosts`), whether it asks about others (`asks`), and
 * `(cannot run here)` where this machine cannot run the sandbox.
 */
export function sandboxColumn(
  policy: SandboxPolicy | SandboxPolicyInput | null | undefined,
  available: boolean,
): string {
  if (policy?.mode === 'off') return 'off (unconfined)';
  const hosts = policy?.network?.allow?.length ?? 0;
  const listed = hosts === 0 ? '' : ` +${hosts} host${hosts === 1 ? '' : 's'}`;
  const asks = policy?.network?.unlisted === 'ask' ? ', asks' : '';
  return `required${listed}${asks}${available ? '' : ' (cannot run here)'}`;
}

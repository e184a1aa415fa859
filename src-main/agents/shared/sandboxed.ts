import type { SandboxPolicy, SandboxPolicyInput } from '../../../src-shared/schemas/sandbox.ts';
import { narrowSandbox, sandboxPolicyOf } from '../../../src-shared/schemas/sandbox.ts';
import type { StepOf } from '../../../src-shared/schemas/step.ts';
import type { TaskContext } from '../../engine/executor.ts';
import type { Blocked, ConfinedProgram } from '../../sandbox/index.ts';

/**
 * What the kinds that start processes are given for their sandbox (src-main/sandbox/): Baton's
 * own folders no agent reads, besides its policy's (the data directory, the registered
 * workspaces). Without it (a remote worker), only the policy's are hidden.
 */
export interface SandboxDeps {
  hiddenFolders?: () => string[];
}

/**
 * The policy an attempt's processes run under: its agent's (`own`, absent: the default, required),
 * narrowed by its plan; under the network policy `ask`, with the hosts people allowed for its
 * workspace (or agent) listed. A plan that tries to widen it fails the attempt, naming the plan's field.
 */
export function attemptSandbox(
  own: SandboxPolicyInput | undefined,
  ctx: Pick<TaskContext, 'sandbox' | 'sandboxHosts'>,
) {
  const narrowed = narrowSandbox(sandboxPolicyOf(own), ctx.sandbox);
  if (narrowed.ok) {
    // Under `ask`, the hosts people allowed for the attempt's workspace (or agent) are listed too.
    const { network } = narrowed.policy;
    const allowed = ctx.sandboxHosts?.allowed ?? [];
    if (network.unlisted !== 'ask' || allowed.length === 0) return narrowed;
    const allow = [...network.allow, ...allowed.filter((h) => !network.allow.includes(h))];
    return { ok: true as const, policy: { ...narrowed.policy, network: { ...network, allow } } };
  }
  return { ok: false as const, error: `the plan's ${narrowed.errors.join('; ')}` };
}

/**
 * What `within` (a workspace's policy within an agent's: `sandboxMeet`) allows less than `own`
 * (the workspace's alone), in words for the attempt's log; null when nothing.
 */
export function narrowerThan(own: SandboxPolicy, within: SandboxPolicy): string | null {
  if (within.mode === 'off') return null; // both are off
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((x) => b.includes(x.toLowerCase()) || b.includes(x));
  const list = (xs: readonly string[], none: string) => (xs.length > 0 ? xs.join(', ') : none);
  const said: string[] = [];
  if (own.mode === 'off') said.push('it runs in the OS sandbox (the workspace has it off)');
  if (own.mode === 'off' || !same(own.network.allow, within.network.allow))
    said.push(`it reaches only ${list(within.network.allow, 'no host')}`);
  if (own.network.unlisted === 'ask' && within.network.unlisted === 'deny')
    said.push('a host not listed is refused without asking');
  if (own.mode === 'off' || !same(own.write_allow, within.write_allow))
    said.push(
      `it writes only its worktree${within.write_allow.length > 0 ? ` and ${list(within.write_allow, '')}` : ''}`,
    );
  if (own.mode !== 'off' && !same(own.read_allow, within.read_allow))
    said.push(`of the hidden paths it reads only ${list(within.read_allow, 'none')}`);
  const hidden = within.read_deny.filter((p) => own.mode === 'off' || !own.read_deny.includes(p));
  if (hidden.length > 0) said.push(`it does not read ${hidden.join(', ')}`);
  return said.length > 0 ? said.join('; ') : null;
}

/** A `sandbox` step (its seq and time set by the caller) of one refusal of `process` (`command`, `MCP server fs`). */
export const sandboxStep = (b: Blocked, process: string): Omit<StepOf<'sandbox'>, 'seq' | 'at'> => ({
  kind: 'sandbox',
  blocked: b.blocked,
  target: b.target,
  process,
  seen_by: b.seen_by,
  text: b.text,
});

/**
 * `source`'s items, with what the sandbox refused `program` handed out between them as soon as
 * it is reported (an array of refusals), not only when the program next prints a line.
 */
export async function* withRefusals<T>(
  source: AsyncIterable<T>,
  program: ConfinedProgram,
): AsyncGenerator<{ item: T } | { blocked: Blocked[] }> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next().then((r) => ({ r }));
  let changed: Promise<null> | null = null;
  try {
    for (;;) {
      changed ??= program.changed().then(() => null);
      const got = await Promise.race([next, changed]);
      if (got === null) {
        changed = null;
        const blocked = program.take();
        if (blocked.length > 0) yield { blocked };
        continue;
      }
      if (got.r.done) return;
      next = it.next().then((r) => ({ r }));
      yield { item: got.r.value };
    }
  } finally {
    await it.return?.();
  }
}

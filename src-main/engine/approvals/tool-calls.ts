import type { Approval, ToolCallScope, ToolCallVerdict } from '../../../src-shared/schemas/approval.ts';

export type { ToolCallVerdict };

/**
 * What the attempt that asked about a tool call (kind `tool_call`, `ASKS` in kinds.ts) is given
 * once its approval is decided: run it (with the person's arguments, `edited`, if they changed
 * them; how far the approval reaches, `scope`, when wider than this call), or the message the model reads: the person's denial, or that nobody answered in time.
 * Null while it is pending.
 */
export function toolCallVerdict(
  a: Approval,
  edited: Record<string, unknown> | null,
  scope: ToolCallScope | null = null,
): ToolCallVerdict | null {
  if (a.status === 'pending') return null;
  const actor = a.actor ?? 'someone';
  if (a.status === 'expired')
    return {
      approve: false,
      approval_id: a.id,
      actor,
      message: `Not run: the approval expired (${a.comment ?? 'nobody answered in time'}).`,
    };
  if (a.status === 'approved')
    return {
      approve: true,
      approval_id: a.id,
      actor,
      input: edited,
      comment: a.comment,
      ...(scope && scope !== 'once' ? { scope } : {}),
    };
  return {
    approve: false,
    approval_id: a.id,
    actor,
    message: a.comment ? `Denied by ${actor}: ${a.comment}` : `Denied by ${actor}.`,
  };
}

import type { Approval, ToolCallScope } from '../../../src-shared/schemas/approval.ts';
import { isAskKind } from '../../../src-shared/schemas/approval.ts';
import { invalidInput } from '../../base/errors.ts';
import { ASKS } from './kinds.ts';

/**
 * Refuses a decision that does not fit its approval, naming the field: a scope past "once" on
 * anything but an approved tool call, edited arguments on a kind whose input cannot be edited, with
 * a rejection, or with a scope past "once".
 */
export function assertDecisionFits(
  approval: Approval,
  d: { approve: boolean; input: Record<string, unknown> | undefined; scope: ToolCallScope | undefined },
): void {
  const { approve, input, scope } = d;
  if (scope !== undefined && scope !== 'once') {
    if (approval.kind !== 'tool_call')
      throw invalidInput('decision', [
        {
          path: 'scope',
          message: `only a tool call's approval reaches further, not a ${approval.kind} approval's`,
        },
      ]);
    if (!approve)
      throw invalidInput('decision', [
        { path: 'scope', message: `"${scope}" goes with an approval, not a rejection` },
      ]);
  }
  if (input !== undefined && !(isAskKind(approval.kind) && ASKS[approval.kind].editableInput))
    throw invalidInput('decision', [
      {
        path: 'input',
        message: `only a tool call's arguments can be edited, not a ${approval.kind} approval's`,
      },
    ]);
  if (input !== undefined && !approve)
    throw invalidInput('decision', [
      { path: 'input', message: 'edited arguments go with an approval, not a rejection' },
    ]);
  // A grant allows the tool's later calls as the agent makes them; an ACP agent's call approved
  // with other arguments is refused and made again, so with a grant its own arguments ran too.
  if (input !== undefined && scope !== undefined && scope !== 'once')
    throw invalidInput('decision', [
      {
        path: 'scope',
        message: `edited arguments answer this call only; "${scope}" allows the tool's calls as the agent makes them: allow it without edits, or approve the edited call once`,
      },
    ]);
}

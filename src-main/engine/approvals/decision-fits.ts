import type { Approval, ToolCallScope } from '../../../src-shared/schemas/approval.ts';
import { isAskKind } from '../../../src-shared/schemas/approval.ts';
import { invalidInput } from '../../base/errors.ts';
import { ASKS } from './kinds.ts';

/**
 * Refuses a decision that does not fit its approval, naming the field: a scope past "once" on
 * anything but an approved tool call, edited arguments on a kind whose input cannot be edited or
 * with a rejection.
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
}

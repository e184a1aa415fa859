import type { ToolCallScope } from '../../../../../src-shared/schemas/approval.ts';
import { roleAtLeast } from '../../../../../src-shared/schemas/plain/people.ts';
import { useBaton } from '../../../store/index.ts';

const EDITED =
  "Edited arguments answer this call only: undo the edits to allow the tool's calls as the agent makes them";

/**
 * The wider answers to a tool call: allow it, and every later call of the same tool, for the rest
 * of the task (whichever attempt makes them), or always for the agent (listed on the agent's
 * form, where it can be removed). Edited arguments answer their call only: a grant allows the
 * tool's calls as the agent makes them (the host refuses the two together).
 */
export function ToolCallScopes({
  tool,
  disabled,
  onAllow,
}: {
  /** The tool as a grant names it (`files/write_file`, a coding CLI's `Write`). */
  tool: string;
  /** A person edited the arguments: those answer this call only. */
  disabled: boolean;
  onAllow: (scope: Exclude<ToolCallScope, 'once'>) => void;
}) {
  // Always for the agent sets its policy in every task: an admin's (the host refuses it to others).
  const me = useBaton((s) => s.me);
  const admin = me === null || roleAtLeast(me.role, 'admin');
  return (
    <fieldset className="tool-call-scopes actions">
      <legend className="muted small">
        Allow <code>{tool}</code> without asking again
      </legend>
      <button
        type="button"
        disabled={disabled}
        onClick={() => onAllow('task')}
        title={disabled ? EDITED : undefined}
      >
        Allow for the rest of this task
      </button>
      <button
        type="button"
        disabled={disabled || !admin}
        onClick={() => onAllow('agent')}
        title={
          disabled ? EDITED : admin ? undefined : "It sets the agent's policy in every task: an admin's right"
        }
      >
        Always allow for this agent
      </button>
    </fieldset>
  );
}

import { useId, useMemo, useState } from 'react';
import type {
  ApprovalView,
  ToolCallDetails,
  ToolCallScope,
} from '../../../../../src-shared/schemas/approval.ts';
import { checkArguments, problemText } from '../../../../../src-shared/tool-calls/check-arguments.ts';
import { APPROVAL_KINDS } from '../../../approvals/approval-kinds.ts';
import { argumentsChanged, parseArguments, prettyArguments } from '../../../approvals/tool-call-input.ts';
import { actorOf } from '../../../store/identity.ts';
import { useBaton } from '../../../store/index.ts';
import { ConfirmButton } from '../../shared/ConfirmButton.tsx';
import { ToolCallFacts } from './ToolCallFacts.tsx';
import { ToolCallScopes } from './ToolCallScopes.tsx';
import { WritePreviewView } from './WritePreviewView.tsx';

/**
 * A tool call an agent waits to make (approval kind `tool_call`), as the inbox shows it: who asks
 * for what and why, the arguments as pretty JSON a person may edit (checked as JSON objects as
 * they type, and against the tool's input schema when it has one), what a file write would change, and the answers: deny with a message the model
 * reads, allow as asked, or approve with the edited arguments (what the tool then runs with); or
 * allow the tool for the rest of the task, or always for the agent (its later calls run unasked).
 */
export default function ToolCallReview({
  approval: a,
  call,
  onDeciding,
}: {
  approval: ApprovalView;
  call: ToolCallDetails;
  onDeciding?: ((id: string) => void) | undefined;
}) {
  const decide = useBaton((s) => s.decide);
  const actor = useBaton(actorOf);
  const asked = useMemo(() => prettyArguments(call.input), [call.input]);
  const [text, setText] = useState(asked);
  const [message, setMessage] = useState('');
  const parsed = useMemo(() => parseArguments(text), [text]);
  const edited = parsed.ok && argumentsChanged(call.input, parsed.value);
  // Edited arguments must fit the tool's input schema, as the host checks them too.
  const schema = call.input_schema ?? null;
  const problem = useMemo(
    () => (edited && parsed.ok ? checkArguments(parsed.value, schema) : null),
    [edited, parsed, schema],
  );
  const error = !parsed.ok
    ? parsed.error
    : problem
      ? `The edited arguments do not fit the tool's schema: ${problemText(problem)}`
      : null;
  const errorId = useId();
  const kind = APPROVAL_KINDS.tool_call;
  const answer = (approve: boolean, input?: Record<string, unknown>, scope?: ToolCallScope) => {
    onDeciding?.(a.id);
    void decide(a.id, approve, approve ? '' : message.trim(), input, scope);
  };
  /** Allowed further than this call: as asked (edited arguments answer their call only). */
  const widen = (scope: ToolCallScope) => {
    if (edited || !parsed.ok) return;
    answer(true, undefined, scope);
  };
  const rows = Math.min(16, Math.max(3, text.split('\n').length));
  return (
    <div className="diff-review tool-call-review">
      <ToolCallFacts approval={a} call={call} />
      <label className="small tool-call-arguments">
        <span>
          Arguments{' '}
          {edited ? (
            <span className="pill status-awaiting_approval">edited</span>
          ) : (
            <span className="muted">as the agent asked (edit them to approve other ones)</span>
          )}
        </span>
        <textarea
          className="mono"
          rows={rows}
          spellCheck={false}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={`Arguments of ${call.tool}`}
          aria-invalid={error === null ? undefined : true}
          aria-describedby={error === null ? undefined : errorId}
        />
        {error !== null && (
          <span className="field-error" id={errorId} role="alert">
            {error}
          </span>
        )}
      </label>
      {text !== asked && (
        <button type="button" className="link small" onClick={() => setText(asked)}>
          Put back the agent’s arguments
        </button>
      )}
      <WritePreviewView approvalId={a.id} input={parsed.ok ? parsed.value : null} />
      <label className="small">
        Message to the agent if you deny (the model reads it)
        <textarea
          rows={2}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          aria-label={`Message to the agent of ${a.task_id}`}
          data-inbox="comment"
        />
      </label>
      <div className="actions">
        <ConfirmButton
          label="Deny"
          question={`Deny ${call.tool}?`}
          detail={kind.rejectDetail(a, actor)}
          yes={`Deny ${call.tool}`}
          no="Keep it waiting"
          danger
          shortcut="reject"
          onConfirm={() => answer(false)}
        >
          <label className="small">
            Message to the agent (optional)
            <textarea
              rows={2}
              value={message}
              onChange={(e) => setMessage(e.target.value)}
              aria-label={`Why deny ${call.tool} (the model reads it)`}
            />
          </label>
        </ConfirmButton>
        <button type="button" data-inbox="approve" onClick={() => answer(true)}>
          {edited ? 'Allow as asked' : kind.approveLabel}
        </button>
        <button
          type="button"
          className="primary"
          disabled={!edited || problem !== null}
          title={edited ? (problem ? problemText(problem) : undefined) : 'Edit the arguments first'}
          onClick={() => parsed.ok && !problem && answer(true, parsed.value)}
        >
          Edit and approve
        </button>
      </div>
      <ToolCallScopes
        tool={call.server ? `${call.server}/${call.tool}` : call.tool}
        disabled={edited || !parsed.ok}
        onAllow={widen}
      />
    </div>
  );
}

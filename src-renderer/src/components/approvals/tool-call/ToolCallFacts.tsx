import type { ApprovalView, ToolCallDetails } from '../../../../../src-shared/schemas/approval.ts';
import { useBaton } from '../../../store/index.ts';

/** The agent's words shown whole up to here; longer, they fold (the last part shown first). */
const SHORT_TEXT = 600;

/**
 * Who asks to call what: the agent, the tool and its server, the attempt, and what the agent
 * said before asking, so a person knows why it wants the call. The inbox's review and the
 * task panel both show it.
 */
export function ToolCallFacts({ approval: a, call }: { approval: ApprovalView; call: ToolCallDetails }) {
  const agentName = useBaton((s) => s.agents.find((x) => x.id === call.agent_id)?.name ?? null);
  return (
    <>
      <dl className="tool-call-facts small" aria-label={`Tool call of ${a.task_id}`}>
        <dt>Agent</dt>
        <dd>
          {call.agent_id ? (
            <>
              {agentName ?? call.agent_id}
              {agentName && agentName !== call.agent_id && <span className="muted"> ({call.agent_id})</span>}
            </>
          ) : (
            <span className="muted">unknown</span>
          )}
        </dd>
        <dt>Task</dt>
        <dd>
          {a.task_id}, attempt {call.attempt}
        </dd>
        <dt>Tool</dt>
        <dd>
          <code>{call.tool}</code>
        </dd>
        <dt>Server</dt>
        <dd>
          {call.server ? <code>{call.server}</code> : <span className="muted">the agent’s own tool</span>}
        </dd>
      </dl>
      {call.agent_text.trim() === '' ? (
        <p className="muted small">The agent said nothing before asking.</p>
      ) : call.agent_text.length <= SHORT_TEXT ? (
        <blockquote className="agent-text small" aria-label="What the agent said so far">
          {call.agent_text}
        </blockquote>
      ) : (
        <details className="small">
          <summary>What the agent said so far ({call.agent_text.length} characters)</summary>
          <blockquote className="agent-text" aria-label="What the agent said so far">
            {call.agent_text}
          </blockquote>
        </details>
      )}
    </>
  );
}

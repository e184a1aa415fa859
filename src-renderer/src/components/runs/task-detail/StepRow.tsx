import { memo } from 'react';
import type { CheckOutcome } from '../../../../../src-shared/schemas/checks.ts';
import type { Step } from '../../../../../src-shared/schemas/step.ts';
import { formatDuration } from '../../../format/duration.ts';
import { tokens, usd } from '../../../steps/step-book.ts';
import { checkMark } from '../../checks/latest-checks.ts';

/** How much of a message shows before "Show all" (a model's answer can be pages long). */
const MESSAGE_FOLD = 600;

const TOOL_STATUS: Record<string, string> = {
  running: 'running',
  awaiting_approval: 'awaiting approval',
  done: 'done',
  failed: 'failed',
  denied: 'denied',
};
const TOOL_TONE: Record<string, string> = {
  running: 'in_progress',
  awaiting_approval: 'awaiting_approval',
  done: 'done',
  failed: 'failed',
  denied: 'failed',
};

/** A tool's input as written: text as is, anything else as indented JSON. */
const shown = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v, null, 2) ?? String(v)));

/** One step of an attempt: what the agent said, a tool it called (folded), what it spent, what went wrong. */
export const StepRow = memo(function StepRow({ step, since }: { step: Step; since: number }) {
  const offset = `+${formatDuration(Math.max(0, Date.parse(step.at) - since))}`;
  return (
    <div className={`step step-${step.kind}`}>
      <span className="step-at muted small" title={new Date(step.at).toLocaleString()}>
        {offset}
      </span>
      <div className="step-body">
        {step.candidate !== undefined && (
          <span className="step-candidate" title={`Step of best-of candidate #${step.candidate}`}>
            #{step.candidate}
          </span>
        )}
        <StepContent step={step} />
      </div>
    </div>
  );
});

function StepContent({ step }: { step: Step }) {
  switch (step.kind) {
    case 'session':
      return (
        <p className="small muted">
          Session <code>{step.session_id}</code>
          {step.agent && ` · ${step.agent}`}
          {step.model && ` · ${step.model}`}
        </p>
      );
    case 'message':
      return (
        <div>
          <span className={`step-kind role-${step.role}`}>
            {step.by !== undefined
              ? 'Message'
              : step.role === 'assistant'
                ? 'Agent'
                : step.role === 'user'
                  ? 'Prompt'
                  : 'System'}
          </span>
          {/* A person's words to the running agent (runs.say), with their name. */}
          {step.by !== undefined && (
            <span className="small step-by">
              from <strong>{step.by}</strong>
            </span>
          )}
          <Folded text={step.text} />
        </div>
      );
    case 'tool_call':
      return (
        <div>
          <span className="step-kind">Tool</span> <strong className="tool-name">{step.name}</strong>
          {step.server && <span className="muted small"> ({step.server})</span>}{' '}
          <span className={`pill status-${TOOL_TONE[step.status]}`}>{TOOL_STATUS[step.status]}</span>
          {step.duration_ms !== null && (
            <span className="muted small"> {formatDuration(step.duration_ms)}</span>
          )}
          {step.error && <p className="field-error small">{step.error}</p>}
          <details className="step-fold">
            <summary>Input</summary>
            <pre>{shown(step.input)}</pre>
          </details>
          {step.output !== null && (
            <details className="step-fold">
              <summary>Output ({step.output.length.toLocaleString()} characters)</summary>
              <pre>{step.output}</pre>
            </details>
          )}
        </div>
      );
    case 'usage':
      return (
        <p className="small muted">
          <span className="step-kind">Usage</span> {step.model ?? 'model'}: {tokens(step.input_tokens)} in,{' '}
          {tokens(step.output_tokens)} out
          {step.cached_input_tokens > 0 && `, ${tokens(step.cached_input_tokens)} cached`} ·{' '}
          {step.cost_source === 'unknown'
            ? 'cost unknown: Baton could not see what it used'
            : step.cost_usd === null
              ? 'no price known'
              : `${usd(step.cost_usd)} (${step.cost_source})`}
          {step.duration_ms !== null && ` · ${formatDuration(step.duration_ms)}`}
        </p>
      );
    case 'error':
      return (
        <p className="field-error small">
          <span className="step-kind">{step.retrying ? 'Error, retrying' : 'Error'}</span> {step.message}
        </p>
      );
    case 'sandbox':
      return (
        <p className="small">
          <span className="step-kind">Blocked</span> {step.text}
          <span className="muted small"> ({step.process})</span>
        </p>
      );
    case 'check':
      return <CheckStep check={step.check} />;
    case 'result':
      return (
        <div className={step.is_error ? 'field-error' : undefined}>
          <span className="step-kind">{step.is_error ? 'Failed' : 'Result'}</span>
          <Folded text={step.text} />
        </div>
      );
  }
}

/** A workspace's check: how it ended, its failing tests and the end of its output. */
function CheckStep({ check: c }: { check: CheckOutcome }) {
  const m = checkMark(c);
  return (
    <div>
      <span className="step-kind">{c.round > 0 ? `Check, fix round ${c.round}` : 'Check'}</span>{' '}
      <strong>{c.name}</strong> <span className={`pill status-${m.tone}`}>{m.words}</span>
      {c.duration_ms !== null && <span className="muted small"> {formatDuration(c.duration_ms)}</span>}
      {c.tests && c.tests.failing.length > 0 && (
        <p className="field-error small">Failing: {c.tests.failing.join(', ')}</p>
      )}
      {c.output_tail && (
        <details className="step-fold">
          <summary>
            Output ({c.output_bytes.toLocaleString()} bytes
            {c.output_bytes > c.output_tail.length ? ', its end kept' : ''})
          </summary>
          <pre>{c.output_tail}</pre>
        </details>
      )}
    </div>
  );
}

/** Text past a screenful folded behind "Show all". */
function Folded({ text }: { text: string }) {
  if (text.length <= MESSAGE_FOLD) return <p className="step-text">{text}</p>;
  return (
    <details className="step-fold">
      <summary className="step-text">
        {text.slice(0, MESSAGE_FOLD)}…{' '}
        <span className="link">Show all ({text.length.toLocaleString()} characters)</span>
      </summary>
      <p className="step-text">{text}</p>
    </details>
  );
}

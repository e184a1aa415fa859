import type { ComponentType } from 'react';
import type { ApprovalKind, ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import { APPROVAL_KINDS } from '../../approvals/approval-kinds.ts';
import { prettyArguments } from '../../approvals/tool-call-input.ts';
import { MergeConflictFacts } from './merge-conflict/MergeConflictFacts.tsx';
import { ToolCallFacts } from './tool-call/ToolCallFacts.tsx';

/**
 * Kinds of approval that need more than a sentence to decide on (a diff to review, a tool
 * call's arguments) show it with a body of their own here; the others say, in words, why the
 * task waits (approval-kinds.ts).
 */
const BODIES: { [K in ApprovalKind]?: ComponentType<{ approval: ApprovalView & { kind: K } }> } = {
  tool_call: ToolCallBody,
  merge_conflict: MergeConflictBody,
};

/** A merge conflict where it is only shown (the task panel): the merge, its files, the worktree. */
function MergeConflictBody({ approval: a }: { approval: ApprovalView }) {
  if (!a.merge_conflict) return <p className="small">{APPROVAL_KINDS.merge_conflict.explain(a)}</p>;
  return <MergeConflictFacts approval={a} conflict={a.merge_conflict} />;
}

/** A tool call where it is only shown (the task panel): who asks for what, and its arguments. */
function ToolCallBody({ approval: a }: { approval: ApprovalView }) {
  if (!a.tool_call) return <p className="small">{APPROVAL_KINDS.tool_call.explain(a)}</p>;
  return (
    <>
      <ToolCallFacts approval={a} call={a.tool_call} />
      <p className="small muted">Arguments of {a.tool_call.tool}:</p>
      <pre className="tool-call-input small">{prettyArguments(a.tool_call.input)}</pre>
      <p className="muted small">Edit the arguments or see what a write changes in the Approvals inbox.</p>
    </>
  );
}

/** What a person reads before deciding on an approval: its kind's body, or why it waits. */
export function ApprovalBody({ approval }: { approval: ApprovalView }) {
  const Body = BODIES[approval.kind] as ComponentType<{ approval: ApprovalView }> | undefined;
  if (Body) return <Body approval={approval} />;
  return (
    <p className={`small${approval.kind === 'escalation' ? ' muted' : ''}`}>
      {APPROVAL_KINDS[approval.kind].explain(approval)}
    </p>
  );
}

/** The approval's kind as a pill. */
export function ApprovalPill({ approval }: { approval: ApprovalView }) {
  const kind = APPROVAL_KINDS[approval.kind];
  return (
    <span className={`pill ${kind.tone === 'waiting' ? 'status-awaiting_approval' : 'status-failed'}`}>
      {kind.label}
    </span>
  );
}

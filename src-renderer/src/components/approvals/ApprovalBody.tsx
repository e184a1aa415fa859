import type { ComponentType } from 'react';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import type { ApprovalKind } from '../../../../src-shared/schemas/plain/approval.ts';
import { APPROVAL_KINDS } from '../../approvals/approval-kinds.ts';
import { prettyArguments } from '../../approvals/tool-call-input.ts';
import { MergeConflictFacts } from './merge-conflict/MergeConflictFacts.tsx';
import { ToolCallFacts } from './tool-call/ToolCallFacts.tsx';

type Body<K extends ApprovalKind> = ComponentType<{ approval: ApprovalView & { kind: K } }>;

/**
 * What a person reads of each kind of approval where it is only shown (the task panel), one
 * entry per kind (the compiler asks for a new kind's): a kind that needs more than a sentence to
 * decide on (a tool call's arguments, a merge) shows it with a body of its own; the others say,
 * in words, why the task waits (approval-kinds.ts).
 */
const BODIES: { [K in ApprovalKind]: Body<K> } = {
  approval_required: WhyBody,
  budget: WhyBody,
  escalation: WhyBody,
  diff_review: WhyBody,
  tool_call: ToolCallBody,
  merge_conflict: MergeConflictBody,
  sandbox_host: SandboxHostBody,
};

/** A host an attempt's sandbox refused: the question in large, which attempt asked, what each answer does. */
function SandboxHostBody({ approval: a }: { approval: ApprovalView }) {
  return (
    <>
      <p className="sandbox-host-question">{a.reason}</p>
      <p className="small">{APPROVAL_KINDS.sandbox_host.explain(a).slice(a.reason.length + 1)}</p>
    </>
  );
}

/** Why the task waits, in words (an escalation's, which only acknowledges, muted). */
function WhyBody({ approval }: { approval: ApprovalView }) {
  return (
    <p className={`small${approval.kind === 'escalation' ? ' muted' : ''}`}>
      {APPROVAL_KINDS[approval.kind].explain(approval)}
    </p>
  );
}

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

/** What a person reads before deciding on an approval: its kind's body. */
export function ApprovalBody<K extends ApprovalKind>({ approval }: { approval: ApprovalView & { kind: K } }) {
  const Body: Body<K> = BODIES[approval.kind];
  return <Body approval={approval} />;
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

import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { ApprovalKind, ApprovalStatus } from '../../../src-shared/schemas/plain/approval.ts';
import { checksLine } from '../../../src-shared/schemas/plain/checks.ts';
import { decidersText } from '../../../src-shared/schemas/plain/people.ts';

/** The buttons' action ids: what a click asks for. */
export const ACTIONS = {
  approve: 'baton.approve',
  reject: 'baton.reject',
  request_changes: 'baton.request_changes',
} as const;
export type SlackDecision = keyof typeof ACTIONS;
/** The modal a reject or a request for changes opens, for its comment. */
export const DECIDE_VIEW = 'baton.decide';
export const COMMENT_BLOCK = 'comment';
export const COMMENT_INPUT = 'text';

/** Each kind's name, as the inbox's pill says it. */
const KIND: { [K in ApprovalKind]: string } = {
  approval_required: 'Approval required',
  budget: 'Over budget',
  escalation: 'Escalated by the decider',
  diff_review: 'Diff review',
  tool_call: 'Tool call',
  merge_conflict: 'Merge conflict',
  sandbox_host: 'Sandbox host',
};

/** How a decided approval is said. */
const DECIDED: { [S in ApprovalStatus]: string } = {
  pending: 'Waiting',
  approved: ':white_check_mark: Approved',
  rejected: ':no_entry_sign: Rejected',
  changes_requested: ':arrows_counterclockwise: Changes requested',
  expired: ':hourglass: Expired (nobody waits for it any more)',
};

/** Slack's mrkdwn escapes `&`, `<` and `>` only. */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

type Block = Record<string, unknown>;
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text: cut(text, 2_900) });
const plain = (text: string) => ({ type: 'plain_text', text: cut(text, 150), emoji: true });

/** The facts a person decides on: plan, task, diff, checks, cost, the tool call, the host. */
function facts(a: ApprovalView): string[] {
  const out = [`*Plan*\n${esc(a.plan_id ?? 'unknown')}`, `*Task*\n${esc(a.task_id)} (run ${esc(a.run_id)})`];
  if (a.diff) {
    const files = a.diff.files.length;
    out.push(`*Diff*\n+${a.diff.additions} −${a.diff.deletions} in ${files} file${files === 1 ? '' : 's'}`);
    if (a.diff.checks?.length) out.push(`*Checks*\n${esc(checksLine(a.diff.checks))}`);
  }
  if (a.tool_call)
    out.push(
      `*Tool*\n${esc(a.tool_call.server ? `${a.tool_call.server}/${a.tool_call.tool}` : a.tool_call.tool)}`,
    );
  if (a.sandbox_host) out.push(`*Host*\n${esc(a.sandbox_host.hosts?.join(', ') ?? a.sandbox_host.host)}`);
  if (a.merge_conflict)
    out.push(`*Merging*\n${esc(a.merge_conflict.merging)} → ${esc(a.merge_conflict.into)}`);
  if (a.cost > 0) out.push(`*Cost*\n${Number(a.cost.toPrecision(4))}`);
  return out.slice(0, 10);
}

/** The words that say what waits, for the notification and clients without blocks. */
export function headline(a: ApprovalView): string {
  return `${KIND[a.kind]}: ${a.task_id}${a.plan_id ? ` (plan ${a.plan_id})` : ''}`;
}

/**
 * An approval's message: what waits and its facts, and while it waits the buttons (Approve, Reject,
 * Request changes where its kind has that answer) and a link to it in Baton; once decided, who
 * decided it and what they said, in place of the buttons.
 */
export function approvalBlocks(a: ApprovalView, link: string | null): Block[] {
  const blocks: Block[] = [
    { type: 'section', text: mrkdwn(`*${esc(headline(a))}*\n${esc(a.task_description ?? a.reason)}`) },
    { type: 'section', fields: facts(a).map(mrkdwn) },
  ];
  if (a.kind !== 'approval_required' && a.reason && a.task_description)
    blocks.push({ type: 'context', elements: [mrkdwn(`Why: ${esc(cut(a.reason, 500))}`)] });
  if (a.tool_call)
    blocks.push({
      type: 'section',
      text: mrkdwn(`\`\`\`${esc(cut(JSON.stringify(a.tool_call.input, null, 1), 1_500))}\`\`\``),
    });
  if (a.status === 'pending') {
    const buttons: Block[] = [
      { type: 'button', action_id: ACTIONS.approve, value: a.id, style: 'primary', text: plain('Approve') },
      { type: 'button', action_id: ACTIONS.reject, value: a.id, style: 'danger', text: plain('Reject') },
    ];
    if (a.kind === 'diff_review')
      buttons.push({
        type: 'button',
        action_id: ACTIONS.request_changes,
        value: a.id,
        text: plain('Request changes'),
      });
    if (link)
      buttons.push({ type: 'button', action_id: 'baton.open', url: link, text: plain('Open in Baton') });
    blocks.push({ type: 'actions', block_id: 'baton.actions', elements: buttons });
    blocks.push({ type: 'context', elements: [mrkdwn(`Decided by ${esc(decidersText(a.deciders))}`)] });
  } else {
    const by = a.actor ? ` by ${esc(a.actor)}` : '';
    const said = a.comment ? `\n> ${esc(cut(a.comment, 1_000)).replace(/\n/g, '\n> ')}` : '';
    blocks.push({ type: 'section', text: mrkdwn(`${DECIDED[a.status]}${by}${said}`) });
  }
  return blocks;
}

/** The plain text of a message (notifications, and clients that show no blocks). */
export function approvalText(a: ApprovalView): string {
  if (a.status === 'pending') return `Waiting for a decision: ${headline(a)}`;
  return `${DECIDED[a.status].replace(/^:[a-z_]+: /, '')}${a.actor ? ` by ${a.actor}` : ''}: ${headline(a)}`;
}

/** The modal a reject or a request for changes opens: what the agent (or the record) is told. */
export function commentView(
  a: ApprovalView,
  decision: Exclude<SlackDecision, 'approve'>,
  where: { channel: string | null; ts: string | null },
): Block {
  const changes = decision === 'request_changes';
  return {
    type: 'modal',
    callback_id: DECIDE_VIEW,
    private_metadata: JSON.stringify({ approval_id: a.id, decision, ...where }),
    title: plain(changes ? 'Request changes' : 'Reject'),
    submit: plain(changes ? 'Request changes' : 'Reject'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(`*${esc(headline(a))}*\n${esc(cut(a.task_description ?? a.reason, 500))}`),
      },
      {
        type: 'input',
        block_id: COMMENT_BLOCK,
        optional: !changes,
        label: plain(
          changes
            ? 'What should change'
            : a.kind === 'tool_call'
              ? 'What the agent should do instead (optional)'
              : 'Why (optional)',
        ),
        element: { type: 'plain_text_input', action_id: COMMENT_INPUT, multiline: true, max_length: 3_000 },
      },
    ],
  };
}

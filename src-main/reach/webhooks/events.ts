import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { WebhookEvent, WebhookPayload } from '../../../src-shared/schemas/webhook.ts';
import { budgetSpendAddress } from '../../../src-shared/spend/address.ts';

/** What the audit log says about the run and approval an entry names (looked up once per entry). */
export interface EntryFacts {
  run: { plan_id: string; project_id: string | null } | null;
  approval: { kind: string; task_id: string } | null;
}

/**
 * The webhook events an audit entry is. The audit log is where every change is written, in the
 * transaction that makes it, by whichever process makes it: reading it in order is how webhooks
 * see runs that `baton run` or another window executed, and see nothing that rolled back.
 */
export function eventsOf(e: AuditEntry, facts: EntryFacts): WebhookEvent[] {
  switch (e.entity) {
    case 'run':
      if (e.from_status === null && e.to_status === 'executing') return ['run.started'];
      if (e.from_status === 'executing' && e.to_status !== 'executing') return ['run.ended'];
      return [];
    case 'task':
      return e.to_status === 'failed' ? ['task.failed'] : [];
    case 'approval':
      if (e.from_status === null && e.to_status === 'pending') {
        return facts.approval?.kind === 'budget'
          ? ['approval.waiting', 'budget.exceeded']
          : ['approval.waiting'];
      }
      if (e.from_status === 'pending') return ['approval.decided'];
      return [];
    case 'budget':
      return e.to_status === 'reached' ? ['budget.reached'] : [];
    case 'agent':
      if (e.to_status === 'limited') return ['agent.limited'];
      if (e.from_status === 'limited' && e.to_status === 'available') return ['agent.available'];
      return [];
    default:
      return [];
  }
}

/** Where an entry is in the UI, from Baton's address as people reach it. */
export function linkOf(e: AuditEntry, base: string | null): string | null {
  if (!base || !e.run_id) return null;
  const root = base.endsWith('/') ? base : `${base}/`;
  if (e.entity === 'budget') return `${root}#${budgetSpendAddress(e.entity_id)}`;
  return e.entity === 'approval'
    ? `${root}#/approvals/${encodeURIComponent(e.entity_id)}`
    : `${root}#/runs/${encodeURIComponent(e.run_id)}`;
}

export function payloadOf(
  type: WebhookEvent,
  e: AuditEntry,
  facts: EntryFacts,
  url: string | null,
): WebhookPayload {
  return {
    type,
    timestamp: e.at,
    data: {
      run_id: e.run_id,
      plan_id: facts.run?.plan_id ?? null,
      project_id: facts.run?.project_id ?? null,
      task_id: e.entity === 'task' ? e.entity_id : (facts.approval?.task_id ?? null),
      approval_id: e.entity === 'approval' ? e.entity_id : null,
      approval_kind: facts.approval?.kind ?? null,
      status: e.to_status,
      actor: e.actor,
      reason: e.why,
      url,
    },
  };
}

const HEADLINES: Record<WebhookEvent, (d: WebhookPayload['data']) => string> = {
  'run.started': (d) => `Run ${d.run_id} of plan ${d.plan_id} started`,
  'run.ended': (d) => `Run ${d.run_id} of plan ${d.plan_id} ended ${d.status}`,
  'task.failed': (d) => `Task ${d.task_id} failed in run ${d.run_id}`,
  'approval.waiting': (d) => `Approval waiting: ${d.approval_kind} for task ${d.task_id} (run ${d.run_id})`,
  'approval.decided': (d) => `Approval ${d.status} by ${d.actor}: task ${d.task_id} (run ${d.run_id})`,
  'budget.exceeded': (d) => `Budget exceeded: task ${d.task_id} of run ${d.run_id} waits for approval`,
  'agent.limited': (d) =>
    `Agent limited: its account hit a usage limit${d.run_id ? ` (run ${d.run_id})` : ''}`,
  'agent.available': () => 'Agent available again: its usage limit reset',
  'budget.reached': (d) =>
    d.plan_id === null
      ? `Budget reached (run ${d.run_id})`
      : `Budget reached: plan ${d.plan_id} (run ${d.run_id})`,
};

/** Slack's mrkdwn escapes: `&`, `<` and `>` only. */
const escapeSlack = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The body for a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat, Discord's
 * /slack endpoint): one `text` with what happened, the audit log's words, and a link back.
 */
export function slackBody(p: WebhookPayload): { text: string } {
  const head = escapeSlack(HEADLINES[p.type](p.data));
  const why = p.data.reason ? `\n${escapeSlack(p.data.reason)}` : '';
  const link = p.data.url ? `\n<${p.data.url}|Open in Baton>` : '';
  return { text: `*${head}*${why}${link}` };
}

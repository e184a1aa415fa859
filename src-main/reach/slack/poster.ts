import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { ErrorLog } from '../../base/log-line.ts';
import type { Db } from '../../store/db.ts';
import { createDutyLoop } from '../duties/duty-loop.ts';
import { approvalBlocks, approvalText } from './blocks.ts';
import type { SlackClients } from './client.ts';
import { slackError } from './client.ts';
import type { DueMessage, SlackConfig, SlackRepo } from './repo.ts';

/** Tries before a message is left alone (until its approval changes again), and the first wait. */
const ATTEMPTS = 8;
const FIRST_RETRY_MS = 2_000;
const LEFT_ALONE_MS = 24 * 3600_000;

/**
 * Each waiting approval posted to the settings' channel, and its message updated for everyone once
 * it is decided, wherever it was (the app, a phone, Slack, the CLI): read from the audit log past
 * the `slack` cursor, in the one process holding the `slack` duty lease. A message's row says the
 * status it shows; one that does not show its approval's status now is due, so a decision made
 * while Slack was away is shown once it is back.
 */
export function createSlackPoster(o: {
  db: Db;
  repo: SlackRepo;
  clients: SlackClients;
  owner: string;
  now: () => number;
  approval: (id: string) => ApprovalView | null;
  /** The approval's address in Baton (the Open button), or null when Baton has no public URL. */
  linkOf: (approvalId: string) => string | null;
  pollMs?: number | undefined;
  leaseTtlMs?: number | undefined;
  log?: ErrorLog | undefined;
}) {
  const { repo } = o;

  async function show(c: SlackConfig, m: DueMessage): Promise<void> {
    const view = o.approval(m.approval_id);
    const status = view?.status ?? m.status;
    // Decided before it was ever posted: nothing to say in Slack.
    if (!view || (m.ts === null && status !== 'pending'))
      return void repo.shown({ approval_id: m.approval_id, channel: null, ts: null, shown: m.status });
    const client = await o.clients(c);
    if (typeof client === 'string') throw new Error(client);
    const message = { text: approvalText(view), blocks: approvalBlocks(view, o.linkOf(view.id)) };
    if (m.ts === null || m.channel === null) {
      const r = await client.chat.postMessage({ channel: c.channel, unfurl_links: false, ...message });
      return void repo.shown({
        approval_id: m.approval_id,
        channel: r.channel ?? c.channel,
        ts: r.ts ?? null,
        shown: status,
      });
    }
    await client.chat.update({ channel: m.channel, ts: m.ts, ...message });
    repo.shown({ approval_id: m.approval_id, channel: null, ts: null, shown: status });
  }

  const loop = createDutyLoop({
    db: o.db,
    name: 'slack',
    owner: o.owner,
    now: o.now,
    leaseTtlMs: o.leaseTtlMs,
    pollMs: o.pollMs,
    log: o.log,
    busy: () => repo.settings().enabled,
    step: async (held) => {
      const c = repo.settings();
      while (repo.fill(o.now(), 500));
      for (;;) {
        if (!held()) return;
        const due = repo.due(o.now(), 8);
        if (due.length === 0) return;
        // One at a time: Slack limits a channel's posts to about one a second.
        for (const m of due) {
          try {
            await show(c, m);
          } catch (err) {
            const wait = m.attempts + 1 >= ATTEMPTS ? LEFT_ALONE_MS : FIRST_RETRY_MS * 2 ** m.attempts;
            repo.failed(m.approval_id, slackError(err), o.now() + Math.min(wait, LEFT_ALONE_MS));
          }
        }
      }
    },
  });
  return loop;
}

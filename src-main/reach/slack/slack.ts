import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { Person } from '../../../src-shared/schemas/people.ts';
import type { SlackSettings } from '../../../src-shared/schemas/slack.ts';
import type { ErrorLog } from '../../base/log-line.ts';
import type { EventBus } from '../../events/event-bus.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { Store } from '../../store/store.ts';
import { createSlackClients, slackError } from './client.ts';
import type { Dispatch } from './interactions.ts';
import { createSlackInteractions, SLACK_PATH } from './interactions.ts';
import { createSlackPoster } from './poster.ts';
import type { SlackConfig } from './repo.ts';
import { createSlackRepo } from './repo.ts';

/**
 * Slack as a view of the inbox: the poster (each waiting approval posted, its message updated once
 * decided anywhere) and the interactions route (a click decides as the linked person), over one
 * repository of settings, people's Slack members and messages. Nothing runs, and nothing of
 * Slack's SDK is loaded, until an admin turns it on.
 */
export function createSlack(o: {
  store: Store;
  bus: EventBus;
  secrets: SecretResolver;
  now: () => number;
  owner: string;
  approval: (id: string) => ApprovalView | null;
  person: (id: string) => Person | null;
  pollMs?: number | undefined;
  leaseTtlMs?: number | undefined;
  log?: ErrorLog | undefined;
}) {
  const repo = createSlackRepo(o.store.db);
  const clients = createSlackClients(o.secrets);
  let base: string | null = null;
  let dispatch: Dispatch | null = null;
  const poster = createSlackPoster({
    db: o.store.db,
    repo,
    clients,
    owner: o.owner,
    now: o.now,
    approval: o.approval,
    linkOf: (id) => (base ? `${base}approvals/${encodeURIComponent(id)}` : null),
    pollMs: o.pollMs,
    leaseTtlMs: o.leaseTtlMs,
    log: o.log,
  });
  // While Slack is on, a decision wakes the poster: its message changes within the second.
  let listening: (() => void) | null = null;
  const listen = () => {
    const on = base !== null && repo.settings().enabled;
    if (on && !listening) listening = o.bus.subscribe(() => poster.wake(), ['approval.changed']);
    if (!on && listening) {
      listening();
      listening = null;
    }
  };
  const route = createSlackInteractions({
    repo,
    secrets: o.secrets,
    clients,
    now: o.now,
    person: o.person,
    approval: o.approval,
    dispatch: () => dispatch,
    decided: (id) => {
      repo.touch(id, o.now());
      poster.wake();
    },
  });

  return {
    repo,
    poster,
    route,
    settings(): SlackSettings {
      const c = repo.settings();
      return {
        ...c,
        interactions_url: base ? `${base}${SLACK_PATH.slice(1)}` : null,
        waiting: repo.behind(),
        last_error: repo.lastError(),
      };
    },
    configure(change: Partial<SlackConfig>): SlackSettings {
      const next = { ...repo.settings(), ...change };
      repo.save(next);
      listen();
      poster.wake();
      return this.settings();
    },
    async check(): Promise<{ ok: boolean; team: string | null; bot: string | null; error: string | null }> {
      const client = await clients(repo.settings());
      if (typeof client === 'string') return { ok: false, team: null, bot: null, error: client };
      try {
        const r = await client.auth.test();
        return { ok: true, team: r.team ?? null, bot: r.user ?? null, error: null };
      } catch (err) {
        return { ok: false, team: null, bot: null, error: slackError(err) };
      }
    },
    /** The contract's calls, for the interactions route to decide through (the app's dispatch). */
    decideThrough(d: Dispatch): void {
      dispatch = d;
    },
    /** Where people open Baton: messages link there, and the poster runs from now on. */
    serveAt(url: string | null): void {
      base = url === null ? null : url.endsWith('/') ? url : `${url}/`;
      listen();
      if (base) poster.start();
    },
    stop(): void {
      listening?.();
      listening = null;
      poster.stop();
    },
  };
}
export type Slack = ReturnType<typeof createSlack>;

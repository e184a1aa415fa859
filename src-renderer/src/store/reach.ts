import type { StateCreator } from 'zustand';
import type { SecretsOverview } from '../../../src-shared/contract/domains/secrets.ts';
import type { Schedule } from '../../../src-shared/schemas/schedule.ts';
import type { Trigger } from '../../../src-shared/schemas/trigger.ts';
import type { Webhook, WebhookDelivery } from '../../../src-shared/schemas/webhook.ts';
import type { WorkerToken } from '../../../src-shared/schemas/worker-token.ts';
import { api } from '../api/client.ts';
import type { BatonState } from './index.ts';

/** The lists of the reach and settings screens, each row as the host lists and tells it. */
export interface ReachRows {
  webhooks: Webhook;
  /** The delivery log: the newest of every webhook's, or of one's (`deliveriesOf`). */
  deliveries: WebhookDelivery;
  /** Every plan's schedules (a plan's tab shows its own). */
  schedules: Schedule;
  /** Every plan's triggers. */
  triggers: Trigger;
  workerTokens: WorkerToken;
}
export type ReachList = keyof ReachRows;

export interface ReachSlice {
  /** Each list as read when a screen showing it opened, and kept since from pushed events; null until read. */
  reach: { [K in ReachList]: ReachRows[K][] | null };
  /** Whose deliveries the log shows: one webhook's, or every webhook's (null). */
  deliveriesOf: string | null;
  /** Reads a list (a screen showing it opened, or events were missed); the rows shown stay meanwhile. */
  loadReach(list: ReachList): Promise<void>;
  /** Shows one webhook's deliveries, or every webhook's, and reads them. */
  showDeliveriesOf(webhookId: string | null): void;
  /** A row added or changed, as an event told it: put in its place, if the list is read. */
  upsertReach<K extends ReachList>(list: K, row: ReachRows[K]): void;
  /** A row removed (a webhook's deliveries go with it). */
  dropReach(list: ReachList, id: string): void;
  /** The secrets (names, where each comes from, who uses it; never a value); null until read. */
  secrets: SecretsOverview | null;
  /** Reads the secrets again (a screen showing them opened, or one was set or deleted). */
  loadSecrets(): Promise<void>;
}

/** The most deliveries the log keeps (as many as it reads). */
export const DELIVERIES_SHOWN = 100;

type Row = ReachRows[ReachList];
/** Oldest first, as the host lists them (created, then id). */
const oldestFirst = (a: { created_at: string; id: string }, b: { created_at: string; id: string }) =>
  a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
/** The newest delivery first (a delivery sent again counts from then, as the host lists it). */
const newestFirst = (a: WebhookDelivery, b: WebhookDelivery) =>
  a.created_at > b.created_at ? -1 : a.created_at < b.created_at ? 1 : 0;

/** How each list is read, ordered, and what it is called when it cannot be read. */
const LISTS: {
  [K in ReachList]: {
    read(s: BatonState): Promise<ReachRows[K][]>;
    order(a: ReachRows[K], b: ReachRows[K]): number;
    name: string;
  };
} = {
  webhooks: { read: () => api.listWebhooks(), order: oldestFirst, name: 'the webhooks' },
  deliveries: {
    read: (s) => api.webhookDeliveries(s.deliveriesOf ?? undefined),
    order: newestFirst,
    name: 'the deliveries',
  },
  schedules: { read: () => api.listSchedules(), order: oldestFirst, name: 'the schedules' },
  triggers: { read: () => api.listTriggers(), order: oldestFirst, name: 'the triggers' },
  workerTokens: { read: () => api.listWorkerTokens(), order: oldestFirst, name: 'the worker tokens' },
};

/** `rows` with `row` in its place: where it was when its order did not move, else where the order puts it. */
function placed<T extends { id: string }>(rows: T[], row: T, order: (a: T, b: T) => number): T[] {
  const at = rows.findIndex((r) => r.id === row.id);
  if (at !== -1 && order(rows[at]!, row) === 0) return rows.map((r, i) => (i === at ? row : r));
  const rest = at === -1 ? rows : rows.filter((r) => r.id !== row.id);
  const before = rest.findIndex((r) => order(row, r) <= 0);
  return before === -1 ? [...rest, row] : [...rest.slice(0, before), row, ...rest.slice(before)];
}

export const createReachSlice: StateCreator<BatonState, [], [], ReachSlice> = (set, get) => ({
  reach: { webhooks: null, deliveries: null, schedules: null, triggers: null, workerTokens: null },
  deliveriesOf: null,
  secrets: null,
  async loadSecrets() {
    try {
      set({ secrets: await api.listSecrets() });
    } catch (err) {
      get().fail('Could not list the secrets', err);
    }
  },
  async loadReach(list) {
    const of = get().deliveriesOf;
    try {
      const rows = await LISTS[list].read(get());
      // A read of another webhook's deliveries than the log now shows is left.
      if (list === 'deliveries' && get().deliveriesOf !== of) return;
      set((s) => ({ reach: { ...s.reach, [list]: rows } }));
    } catch (err) {
      if (get().reach[list] === null) set((s) => ({ reach: { ...s.reach, [list]: [] } }));
      get().fail(`Could not list ${LISTS[list].name}`, err);
    }
  },
  showDeliveriesOf(webhookId) {
    set((s) => ({ deliveriesOf: webhookId, reach: { ...s.reach, deliveries: null } }));
    void get().loadReach('deliveries');
  },
  upsertReach(list, row) {
    const rows = get().reach[list];
    if (rows === null) return;
    if (list === 'deliveries') {
      const of = get().deliveriesOf;
      if (of !== null && (row as WebhookDelivery).webhook_id !== of) return;
    }
    const order = LISTS[list].order as (a: Row, b: Row) => number;
    let next = placed<Row>(rows, row, order);
    if (list === 'deliveries') next = next.slice(0, DELIVERIES_SHOWN);
    set((s) => ({ reach: { ...s.reach, [list]: next } }));
  },
  dropReach(list, id) {
    set((s) => {
      const reach = { ...s.reach };
      const rows: Row[] | null = reach[list];
      if (rows) reach[list] = rows.filter((r) => r.id !== id) as never;
      if (list === 'webhooks' && reach.deliveries)
        reach.deliveries = reach.deliveries.filter((d) => d.webhook_id !== id);
      return { reach };
    });
  },
});

import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:https';
import { createRequire } from 'node:module';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { NotificationSettings } from '../../../src-shared/schemas/notification.ts';
import { mayDecide } from '../../../src-shared/schemas/people.ts';
import type { PushMessage } from '../../../src-shared/schemas/push.ts';
import type { ErrorLog } from '../../base/log-line.ts';
import type { Store } from '../../store/store.ts';
import { createDutyLoop } from '../duties/duty-loop.ts';
import { notificationOf } from '../notifications/notifier.ts';
import type { DueMessage, Recipient, SubscriptionRow } from './repo.ts';
import { createPushRepo } from './repo.ts';
import type { VapidKeys } from './vapid.ts';

/**
 * The push services browsers subscribe with, by host: Chrome and the browsers built on Chromium
 * (Firebase Cloud Messaging), Firefox (Mozilla's autopush), Safari (Apple's), Edge (Windows Push
 * Notification Services). `*.` stands for any one or more labels before the rest. Only these
 * hosts, not their whole domains: `storage.googleapis.com` or a `mozilla.com` site is no push
 * service, and Baton posts to what a signed-in person hands it.
 */
export const PUSH_SERVICES = [
  'fcm.googleapis.com',
  '*.push.services.mozilla.com',
  '*.push.apple.com',
  '*.notify.windows.com',
] as const;

/**
 * Whether an endpoint is a browser vendor's push service: https on its own port, no user name or
 * password in it, and a host of PUSH_SERVICES. Baton posts to nothing else (not this machine, not
 * the local network, not another site's API).
 */
export function knownPushService(url: URL): boolean {
  if (url.protocol !== 'https:' || url.port !== '' || url.username !== '' || url.password !== '')
    return false;
  const host = url.hostname.toLowerCase();
  return PUSH_SERVICES.some((s) => (s.startsWith('*.') ? host.endsWith(s.slice(1)) : host === s));
}

/** How many times a message is tried before it is given up, and the first wait (doubling, at most 10 min). */
const ATTEMPTS = 8;
const FIRST_RETRY_MS = 5_000;
/** How long a push service keeps a message for a browser that is offline. */
const TTL_S = 24 * 3600;
const BATCH = 500;
/** How often one person may send a test: each is a POST to every browser they subscribed. */
export const TEST_EVERY_MS = 10_000;

export interface PushOptions {
  store: Store;
  now: () => number;
  owner: string;
  vapid: () => VapidKeys;
  /** An approval as the inbox shows it (who may decide it), or null. */
  approval: (id: string) => ApprovalView | null;
  /** A one-time link's token to an approval for a person. */
  mintLink: (approvalId: string, personId: string) => string;
  /** Which kinds people want to hear of (Settings → Notifications). */
  settings: () => NotificationSettings;
  /** Where endpoints may point: a known push service by default; tests name their own. */
  endpointAllowed?: ((url: URL) => boolean) | undefined;
  /** The HTTPS agent requests go through (tests trust their own push service's certificate). */
  agent?: Agent | undefined;
  pollMs?: number | undefined;
  leaseTtlMs?: number | undefined;
  log?: ErrorLog | undefined;
}

/**
 * Web Push (RFC 8030) through `web-push`: each person's subscribed browsers are sent, from the audit
 * log, what waits for them (an approval they may decide, with a one-time link to it, and its
 * notification taken away once it is decided) and how runs end; messages are encrypted for the
 * browser's keys (aes128gcm) and signed with Baton's VAPID key. An outbox table holds each message
 * until the push service takes it; the process holding the `push` duty lease sends.
 */
export function createPush(o: PushOptions) {
  const repo = createPushRepo(o.store.db);
  const allowed = o.endpointAllowed ?? knownPushService;
  const endpointOk = (endpoint: string) => URL.canParse(endpoint) && allowed(new URL(endpoint));
  let base: string | null = null;
  // web-push (CommonJS, with its ASN.1 and JWS helpers) is loaded at the first send, not at start.
  let lib: typeof import('web-push') | null = null;
  const load = () => (lib ??= createRequire(import.meta.url)('web-push') as typeof import('web-push'));
  /** When each person last sent a test (in memory: a restart lets one more through, no harm). */
  const tested = new Map<string, number>();

  /** What each audit entry is sent as, to whom: an approval to those who may decide it. */
  function messagesOf(
    e: AuditEntry,
    everyone: Recipient[],
    on: NotificationSettings,
  ): [Recipient, PushMessage][] {
    if (base === null) return [];
    if (e.entity === 'approval' && e.from_status === 'pending') {
      const tag = `approval-${e.entity_id}`;
      const view = o.approval(e.entity_id);
      return deciders(view, everyone).map((r) => [r, { kind: 'close', tag }]);
    }
    const kind = e.entity === 'approval' ? repo.approvalKind(e.entity_id) : null;
    const n = notificationOf(e, { approvalKind: kind, waitsForPerson: false });
    if (!n || !on[n.kind]) return [];
    const approvalId = n.target.approval_id;
    const to = approvalId ? deciders(o.approval(approvalId), everyone) : everyone;
    return to.map((r) => [
      r,
      {
        kind: 'show',
        title: n.title,
        body: n.body,
        url: approvalId
          ? `${base}link#${o.mintLink(approvalId, r.person_id)}`
          : `${base}runs/${encodeURIComponent(n.target.run_id ?? '')}`,
        tag: approvalId ? `approval-${approvalId}` : n.id,
        at: n.at,
      },
    ]);
  }
  const deciders = (view: ApprovalView | null, everyone: Recipient[]) =>
    view ? everyone.filter((r) => mayDecide(view.deciders, { name: r.name, role: r.role }).ok) : [];

  /** Queues what the log holds past the cursor, in one transaction with the cursor's move. */
  function fill(): void {
    for (;;) {
      const more = o.store.tx(() => {
        const everyone = repo.recipients();
        if (everyone.length === 0) {
          repo.skipToEnd();
          return false;
        }
        const entries = repo.auditAfter(repo.cursor(), BATCH);
        if (entries.length === 0) return false;
        const on = o.settings();
        const at = o.now();
        for (const e of entries)
          for (const [r, m] of messagesOf(e, everyone, on)) repo.enqueue(r.id, JSON.stringify(m), at);
        repo.moveCursor(entries.at(-1)!.id);
        return entries.length === BATCH;
      });
      if (!more) return;
    }
  }

  async function send(m: DueMessage): Promise<void> {
    const sub = repo.get(m.subscription_id);
    if (!sub) return;
    // Checked again as it is sent: a browser kept from a looser rule is forgotten, never posted to.
    if (!endpointOk(sub.endpoint)) return void repo.drop(sub.id);
    const webpush = load();
    const keys = o.vapid();
    try {
      await webpush.sendNotification(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        m.payload,
        {
          vapidDetails: { subject: subject(), publicKey: keys.publicKey, privateKey: keys.privateKey },
          TTL: TTL_S,
          urgency: 'high',
          timeout: 10_000,
          ...(o.agent ? { agent: o.agent } : {}),
        },
      );
      repo.sent(m, new Date(o.now()).toISOString());
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      // The browser unsubscribed, or the push service forgot it: nothing will reach it again.
      if (status === 404 || status === 410) return void repo.drop(sub.id);
      const why = status ? `the push service answered ${status}` : (err as Error).message;
      const next =
        m.attempts + 1 >= ATTEMPTS ? null : o.now() + Math.min(FIRST_RETRY_MS * 2 ** m.attempts, 600_000);
      repo.failed(m, why.slice(0, 500), next);
    }
  }

  /** VAPID's contact: Baton's public URL when it is https, which is what push services ask for. */
  const subject = () => (base?.startsWith('https:') ? base : 'mailto:baton@localhost');

  const loop = createDutyLoop({
    db: o.store.db,
    name: 'push',
    owner: o.owner,
    now: o.now,
    leaseTtlMs: o.leaseTtlMs,
    pollMs: o.pollMs,
    log: o.log,
    busy: () => base !== null && repo.anyWork(),
    step: async (held) => {
      fill();
      for (;;) {
        if (!held()) return;
        const due = repo.due(o.now(), 8);
        if (due.length === 0) return;
        await Promise.all(due.map(send));
      }
    },
  });

  return {
    repo,
    loop,
    /** Where people open Baton (the public URL, else the host's): links point there; nothing is sent before. */
    serveAt(url: string | null): void {
      base = url === null ? null : url.endsWith('/') ? url : `${url}/`;
      if (base) loop.wake();
    },
    subscribe(
      personId: string,
      s: { endpoint: string; keys: { p256dh: string; auth: string } },
      label: string,
    ): SubscriptionRow | string {
      let url: URL;
      try {
        url = new URL(s.endpoint);
      } catch {
        return 'endpoint must be the https URL the browser gave';
      }
      if (!allowed(url))
        return `endpoint: ${url.protocol}//${url.host} is not a browser's push service (https://${PUSH_SERVICES.join(', https://')})`;
      return repo.subscribe({
        id: randomUUID(),
        person_id: personId,
        endpoint: s.endpoint,
        p256dh: s.keys.p256dh,
        auth: s.keys.auth,
        label,
        created_at: new Date(o.now()).toISOString(),
      });
    },
    /**
     * Queues a test notification to a person's browsers: how many, or how many seconds until they
     * may send another (one per TEST_EVERY_MS, so a click cannot be repeated into a flood of POSTs).
     */
    test(personId: string): { queued: number } | { retry_after_s: number } {
      const t = o.now();
      for (const [who, at] of tested) if (at + TEST_EVERY_MS <= t) tested.delete(who);
      const last = tested.get(personId);
      if (last !== undefined) return { retry_after_s: Math.ceil((last + TEST_EVERY_MS - t) / 1000) };
      tested.set(personId, t);
      const subs = repo.of(personId);
      const message: PushMessage = {
        kind: 'show',
        title: 'Baton can reach you here',
        body: 'Approvals waiting for you will show like this, with a link to open them.',
        url: base ?? '/',
        tag: `test-${randomUUID()}`,
        at: new Date(o.now()).toISOString(),
      };
      for (const s of subs) repo.enqueue(s.id, JSON.stringify(message), o.now());
      loop.wake();
      return { queued: subs.length };
    },
    publicKey: () => o.vapid().publicKey,
  };
}
export type Push = ReturnType<typeof createPush>;

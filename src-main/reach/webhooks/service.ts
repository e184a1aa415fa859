import { BackgroundWork } from '../../base/background.ts';
import type { ErrorLog } from '../../base/log-line.ts';
import { randomIds } from '../../engine/clock.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { Store } from '../../store/store.ts';
import { DutyLease } from '../duties/duty-lease.ts';
import { createOutboxFiller } from './outbox.ts';
import { createWebhooksRepo } from './repo.ts';
import type { RetryPolicy } from './sender.ts';
import { attemptDelivery, DEFAULT_RETRY } from './sender.ts';

export interface WebhookServiceOptions {
  store: Store;
  secrets: SecretResolver;
  now: () => number;
  /** This process's lease owner (`host:pid:id`). */
  owner: string;
  retry?: Partial<RetryPolicy>;
  /** How often the outbox is looked at (1 s); tests shorten it. */
  pollMs?: number;
  leaseTtlMs?: number;
  /** Where a look that failed (a full disk) is told, once in a row (`BackgroundWork`); stderr by default. */
  log?: ErrorLog;
  /** Told the id of each delivery written (queued, attempted, queued again). */
  deliveryChanged?: (id: string) => void;
}

/** A subscription's deliveries sent at once (each subscription has its own). */
const PARALLEL = 8;

/**
 * Webhooks out: fills the outbox from the audit log and sends what is due, in the one process
 * that holds the `webhooks` duty lease (the app or `baton serve`; never `baton run`). The outbox
 * is a table, so what was due when Baton stopped goes out once it starts again.
 *
 * Each subscription is sent in its own lane: a receiver that is slow or never answers holds
 * its own deliveries (up to the attempt's timeout), never another subscription's. Within a
 * lane, deliveries go out earliest first, PARALLEL at a time.
 */
export class WebhookService {
  readonly repo;
  private readonly fill;
  private readonly lease: DutyLease;
  private readonly retry: RetryPolicy;
  private linkBase: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  /** The subscriptions being sent now, by webhook id: at most one lane each. */
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly o: WebhookServiceOptions;
  private readonly looks: BackgroundWork;

  constructor(o: WebhookServiceOptions) {
    this.o = o;
    this.looks = new BackgroundWork('sending webhooks', o.log);
    this.repo = createWebhooksRepo(o.store.db, o.deliveryChanged);
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
    this.lease = new DutyLease(o.store.db, 'webhooks', o.owner, o.leaseTtlMs ?? 30_000);
    this.fill = createOutboxFiller({
      store: o.store,
      repo: this.repo,
      now: o.now,
      newId: () => randomIds.next('msg'),
      linkBase: () => this.linkBase,
    });
  }

  /** Baton's address as people reach it (the host's URL), for links in messages. */
  setLinkBase(url: string | null): void {
    this.linkBase = url;
  }

  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.wake(), this.o.pollMs ?? 1_000);
    this.timer.unref();
    this.wake();
  }

  /** Looks at the outbox now (a delivery asked to be sent again); one look at a time. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.step()
      .then(
        () => this.looks.succeeded(),
        (err: unknown) => {
          if (!this.closed) this.looks.failed(err);
        },
      )
      .finally(() => {
        this.running = null;
        if (this.again && !this.closed) {
          this.again = false;
          this.wake();
        }
      });
  }

  /**
   * One look: the lease, the outbox filled, a lane started for each subscription with a
   * delivery due that has none running. It does not wait for the lanes (`settled` does).
   */
  async step(): Promise<void> {
    // Nothing to do (no subscription, nothing pending): no lease taken, nothing written.
    if (this.closed || !this.repo.anyWork() || !this.lease.hold(this.o.now())) return;
    this.fill();
    for (const webhookId of this.repo.dueHooks(this.o.now())) {
      if (this.lanes.has(webhookId)) continue;
      const lane = this.send(webhookId)
        .catch((err) => {
          if (!this.closed) this.o.log?.(err);
        })
        .finally(() => this.lanes.delete(webhookId));
      this.lanes.set(webhookId, lane);
    }
  }

  /** One subscription's lane: its due deliveries, earliest first, PARALLEL at a time, until none is due. */
  private async send(webhookId: string): Promise<void> {
    for (;;) {
      // Slow receivers can take a while: keep the lease, or stop if another process took it.
      if (this.closed || !this.lease.hold(this.o.now())) return;
      const due = this.repo.due(webhookId, this.o.now(), PARALLEL);
      if (due.length === 0) return;
      const hook = this.repo.get(webhookId);
      await Promise.all(
        due.map((d) =>
          attemptDelivery(d, hook, {
            repo: this.repo,
            secrets: this.o.secrets,
            now: this.o.now,
            retry: this.retry,
            stopped: this.stopping.signal,
          }),
        ),
      );
    }
  }

  /** Waits for the look in progress and the lanes it started, if any (tests). */
  async settled(): Promise<void> {
    while (this.running || this.lanes.size > 0) {
      await this.running;
      await Promise.all(this.lanes.values());
    }
  }

  /**
   * Stops looking and lets the lease go. An attempt in flight is aborted and not recorded: its
   * delivery is still pending, sent again at the next start with the same webhook-id.
   */
  stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopping.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      this.lease.letGo();
    } catch {
      // the store is already closed: the lease runs out by itself
    }
  }
}

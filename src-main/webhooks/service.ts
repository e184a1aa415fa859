import { DutyLease } from '../duties/duty-lease.ts';
import { randomIds } from '../engine/clock.ts';
import type { SecretResolver } from '../secrets.ts';
import type { Store } from '../store/store.ts';
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
  log?: (err: unknown) => void;
}

/** Deliveries sent at once. */
const PARALLEL = 8;

/**
 * Webhooks out: fills the outbox from the audit log and sends what is due, in the one process
 * that holds the `webhooks` duty lease (the app or `baton serve`; never `baton run`). The outbox
 * is a table, so what was due when Baton stopped goes out once it starts again.
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
  private readonly stopping = new AbortController();
  private readonly o: WebhookServiceOptions;

  constructor(o: WebhookServiceOptions) {
    this.o = o;
    this.repo = createWebhooksRepo(o.store.db);
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
      .catch((err) => {
        if (!this.closed) this.o.log?.(err);
      })
      .finally(() => {
        this.running = null;
        if (this.again && !this.closed) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** One look: the lease, the outbox filled, the due deliveries sent (awaited; tests call it). */
  async step(): Promise<void> {
    // Nothing to do (no subscription, nothing pending): no lease taken, nothing written.
    if (this.closed || !this.repo.anyWork() || !this.lease.hold(this.o.now())) return;
    this.fill();
    const due = this.repo.due(this.o.now(), 64);
    const hooks = new Map(this.repo.list().map((w) => [w.id, w]));
    for (let i = 0; i < due.length; i += PARALLEL) {
      // Slow receivers can take a while: keep the lease, or stop if another process took it.
      if (i > 0 && !this.lease.hold(this.o.now())) return;
      await Promise.all(
        due.slice(i, i + PARALLEL).map((d) =>
          attemptDelivery(d, hooks.get(d.webhook_id), {
            repo: this.repo,
            secrets: this.o.secrets,
            now: this.o.now,
            retry: this.retry,
            stopped: this.stopping.signal,
          }),
        ),
      );
      if (this.closed) return;
    }
  }

  /** Waits for the look in progress, if any (tests). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
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

import type { Approval, ToolCallScope } from '../../src-shared/schemas/approval.ts';
import type { Role } from '../../src-shared/schemas/plain/people.ts';
import { BackgroundWork } from '../base/background.ts';
import { AppError } from '../base/errors.ts';
import type { ErrorLog } from '../base/log-line.ts';
import type { Engine } from '../engine/engine.ts';
import { isTakenOver } from '../engine/run-state.ts';
import type { ChangesRequest } from '../engine/tick-inputs.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../store/store.ts';

/** A person's decision on an approval, as `approvals.decide` took it. */
export interface Decision {
  approval_id: string;
  approve: boolean;
  actor: string;
  comment?: string | undefined;
  changes: ChangesRequest | null;
  input?: Record<string, unknown> | undefined;
  scope?: ToolCallScope | undefined;
  /** Who decided, for the same tool's other calls a grant answers too (`mayAlso` of `decideApproval`). */
  caller: { name: string | null; role: Role };
}

/** How often a process with runs looks for answers handed to it (one `PRAGMA data_version` a look). */
const LOOK_MS = 500;

/**
 * Answers handed between processes. A decision on an approval whose run another live Baton
 * process executes (a `baton run` following it in another terminal, the app) cannot be applied
 * here: only that process may write to the run. It is handed to it through the store instead
 * (`handed_answers`), and that process applies it as its own within a look (`LOOK_MS`), recorded
 * with the person who decided; `baton approve` waits for it and says so, and a host's inbox hears
 * it decided (`approval.changed`) at its next look. A process looks only
 * when another connection has committed since its last look, so one alone pays one pragma a look.
 */
export class HandedAnswers {
  private readonly store: Store;
  private readonly engine: Engine;
  private readonly decideHere: (d: Decision) => Approval;
  private readonly looks: BackgroundWork;
  private seen = -1;
  private timer: NodeJS.Timeout | null = null;
  /** Approvals this process handed on, until it sees them decided: then its clients are told. */
  private readonly handedHere = new Set<string>();
  /** Tells this process's clients (the inbox) of an approval decided in another process. */
  private readonly bus: EventBus;

  constructor(
    store: Store,
    engine: Engine,
    bus: EventBus,
    decideHere: (d: Decision) => Approval,
    log?: ErrorLog,
  ) {
    this.store = store;
    this.engine = engine;
    this.bus = bus;
    this.decideHere = decideHere;
    this.looks = new BackgroundWork('taking up answers handed from another process', log);
  }

  /**
   * Decides here, or hands the decision on when another live process executes the run (the
   * approval is returned still pending then: that process applies it). The decision was checked
   * here first (`decideApproval` checks it before it looks for the run).
   */
  decide(d: Decision): Approval {
    try {
      return this.decideHere(d);
    } catch (err) {
      if (!isTakenOver(err)) throw err;
      const approval = this.store.approvals.get(d.approval_id);
      if (!approval) throw err;
      const handed = this.store.handedAnswers.hand({
        approval_id: approval.id,
        run_id: approval.run_id,
        decision: JSON.stringify(d),
        handed_at: new Date().toISOString(),
      });
      if (!handed)
        throw new AppError(
          'conflict',
          `an answer to approval "${approval.id}" was handed already to the Baton process that executes run "${approval.run_id}", and waits for it to take it up`,
        );
      this.handedHere.add(approval.id);
      return approval;
    }
  }

  /** From now on, looks for handed answers every `LOOK_MS` (until `stop`). */
  start(): void {
    this.timer ??= this.looks.every(LOOK_MS, () => this.takeUp());
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Applies the answers handed for runs executed here; drops those whose approval is decided already. */
  takeUp(): void {
    const version = this.store.dataVersion();
    if (version === this.seen) return;
    this.seen = version;
    for (const id of this.handedHere) {
      const now = this.store.approvals.get(id);
      if (now?.status === 'pending') continue;
      this.handedHere.delete(id);
      if (now) this.bus.emit('approval.changed', now);
    }
    for (const row of this.store.handedAnswers.all()) {
      const approval = this.store.approvals.get(row.approval_id);
      // Decided (or closed) meanwhile, here or elsewhere: whoever handed it is told by whom.
      if (approval?.status !== 'pending') {
        this.store.handedAnswers.take(row.approval_id);
        continue;
      }
      if (!this.engine.isActive(row.run_id) || !this.store.handedAnswers.take(row.approval_id)) continue;
      this.looks.run(() => this.decideHere(JSON.parse(row.decision) as Decision));
    }
  }
}

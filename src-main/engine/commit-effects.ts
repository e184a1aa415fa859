/**
 * What acts on a write transaction's changes, held until it ends: what waits for its commit
 * (telling whoever waits that a run ended) is done only if it commits; agents to stop (a cancel,
 * a run's end) are stopped either way. The transaction's owner (`RunWriter.tx`) ends it here.
 * Outside a transaction, both act at once.
 */
export class CommitEffects {
  private readonly inTransaction: () => boolean;
  /** What acts on the current transaction's changes, done once it commits (`afterCommit`). */
  private readonly onCommit: (() => void)[] = [];
  /** Agents to stop once the current transaction ends, committed or not (`stopAfter`). */
  private readonly stops: (() => void)[] = [];
  private ends = 0;

  constructor(inTransaction: () => boolean) {
    this.inTransaction = inTransaction;
  }

  /**
   * Runs `act` once the current transaction commits (now, outside one); never if it rolls back
   * (telling whoever waits that a run ended, say).
   */
  afterCommit(act: () => void): void {
    if (this.inTransaction()) this.onCommit.push(act);
    else act();
  }

  /**
   * Stops an agent once the current transaction ends (now, outside one). Stopping acts on a
   * cancel or a run's end, so it waits for the commit; if the transaction rolls back, the run is
   * reloaded from the store with a new attempt, and the old one stops all the same.
   */
  stopAfter(stop: () => void): void {
    if (this.inTransaction()) this.stops.push(stop);
    else stop();
  }

  /**
   * Changes each time a transaction ends, committed or rolled back: what a part gathered for the
   * transaction it read it in (to act on once, after its commit) is over when it differs.
   */
  get transaction(): number {
    return this.ends;
  }

  /**
   * The transaction ended, but its writes are stored later (written behind the engine): what
   * acts on it, to act once they are (`committed`) or not (`rolledBack`).
   */
  detach(): { committed(): void; rolledBack(): void } {
    this.ends++;
    const stops = this.stops.splice(0);
    const acts = this.onCommit.splice(0);
    return {
      committed() {
        for (const stop of stops) stop();
        for (const act of acts) act();
      },
      rolledBack() {
        for (const stop of stops) stop();
      },
    };
  }

  /** The transaction committed: agents stop, then what waited for the commit acts. */
  committed(): void {
    this.detach().committed();
  }

  /** The transaction rolled back: nothing acts on it, but the agents it meant to stop are stopped. */
  rolledBack(): void {
    this.detach().rolledBack();
  }
}

import type { WorkerHandlers } from '../../src-shared/contract/domains/workers.ts';
import type { CodingStore } from '../agents/coding/index.ts';
import type { Clock } from '../engine/clock.ts';
import type { Engine } from '../engine/engine.ts';
import type { EventBus } from '../events/event-bus.ts';
import { workerHandlers, workerTokenHandlers } from './handlers.ts';
import { WorkerTokens } from './tokens.ts';

/**
 * The server's side of remote workers, built once by the app: the tokens they present instead of
 * the UI's (the hosts check them), what the work signal asks (`presence`) and the `workers.*`
 * contract handlers, `workers.tokens.*` included, each token made or revoked audited.
 */
export function createWorkers(deps: {
  store: CodingStore;
  engine: Engine;
  bus: EventBus;
  clock: Clock;
  /** This Baton's data directory: a worker is told it when it registers (`WorkerHandlerDeps.dataDir`). */
  dataDir: string;
}) {
  const { store, clock } = deps;
  const now = () => new Date(clock.now()).toISOString();
  const tokens = new WorkerTokens(
    store.db,
    () => clock.now(),
    (t) => deps.bus.emit('workerToken.updated', t),
  );
  const { engine } = deps;
  return {
    tokens,
    /** What the work signal asks (the browser host's `workerSignal`): who waits for work, who left. */
    presence: {
      waiting: (workerId: string) => engine.claims.wantsWork(workerId),
      left: (workerId: string) => void engine.workers.left(workerId),
    },
    handlers: (): WorkerHandlers => ({
      ...workerHandlers({ store, engine: deps.engine, bus: deps.bus, now, dataDir: deps.dataDir }),
      ...workerTokenHandlers({
        tokens,
        audit: (e) =>
          store.memory.audit({
            at: now(),
            actor: e.actor,
            entity: 'worker_token',
            entity_id: e.entity_id,
            run_id: null,
            from_status: null,
            to_status: e.to,
            why: e.why,
          }),
      }),
    }),
  };
}
export type Workers = ReturnType<typeof createWorkers>;

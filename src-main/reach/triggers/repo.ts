import type { Db } from '../../store/db.ts';

export interface StoredTrigger {
  id: string;
  plan_id: string;
  secret_hash: string;
  inputs: Record<string, unknown>;
  rate_per_minute: number;
  enabled: boolean;
  created_at: string;
}

interface TriggerRow extends Omit<StoredTrigger, 'inputs' | 'enabled'> {
  inputs: string;
  enabled: number;
}

const toTrigger = (r: TriggerRow): StoredTrigger => ({
  ...r,
  inputs: JSON.parse(r.inputs) as Record<string, unknown>,
  enabled: r.enabled === 1,
});

/** Triggers (migration 008): each with the hash of its secret, never the secret. */
export function createTriggersRepo(db: Db) {
  const insert =
    db.prepare(`INSERT INTO triggers (id, plan_id, secret_hash, inputs, rate_per_minute, enabled, created_at)
    VALUES (@id, @plan_id, @secret_hash, @inputs, @rate_per_minute, 1, @created_at)`);
  const all = db.prepare<[], TriggerRow>('SELECT * FROM triggers ORDER BY created_at, id');
  const one = db.prepare<[string], TriggerRow>('SELECT * FROM triggers WHERE id = ?');
  const remove = db.prepare('DELETE FROM triggers WHERE id = ?');
  return {
    insert(t: Omit<StoredTrigger, 'enabled'>): void {
      insert.run({ ...t, inputs: JSON.stringify(t.inputs) });
    },
    list: (): StoredTrigger[] => all.all().map(toTrigger),
    get: (id: string): StoredTrigger | undefined => {
      const r = one.get(id);
      return r ? toTrigger(r) : undefined;
    },
    remove: (id: string): boolean => remove.run(id).changes > 0,
  };
}
export type TriggersRepo = ReturnType<typeof createTriggersRepo>;

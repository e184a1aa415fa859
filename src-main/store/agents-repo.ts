import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Db } from './db.ts';

export function createAgentsRepo(db: Db) {
  const list = db.prepare<[], { body: string }>('SELECT body FROM agents ORDER BY id');
  const get = db.prepare<[string], { body: string }>('SELECT body FROM agents WHERE id = ?');
  const upsert = db.prepare(`INSERT INTO agents (id, body, created_at, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`);
  const insertNew = db.prepare(`INSERT INTO agents (id, body, created_at, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT(id) DO NOTHING`);
  const del = db.prepare('DELETE FROM agents WHERE id = ?');
  return {
    list: (): Agent[] => list.all().map((r) => JSON.parse(r.body) as Agent),
    get(id: string): Agent | undefined {
      const row = get.get(id);
      return row && (JSON.parse(row.body) as Agent);
    },
    save(agent: Agent, now: string): Agent {
      upsert.run(agent.id, JSON.stringify(agent), now, now);
      return agent;
    },
    /** Adds an agent unless its id is taken (one statement: no gap between check and write); true if added. */
    create: (agent: Agent, now: string): boolean =>
      insertNew.run(agent.id, JSON.stringify(agent), now, now).changes > 0,
    delete: (id: string): boolean => del.run(id).changes > 0,
  };
}
export type AgentsRepo = ReturnType<typeof createAgentsRepo>;

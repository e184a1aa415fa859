import type { Project } from '../../src-shared/schemas/project.ts';
import type { Db } from './db.ts';

export function createProjectsRepo(db: Db) {
  const list = db.prepare<[], Project>('SELECT * FROM projects ORDER BY name');
  const get = db.prepare<[string], Project>('SELECT * FROM projects WHERE id = ?');
  const upsert = db.prepare(`INSERT INTO projects (id, name, goal, phase, budget, created_at)
    VALUES (@id, @name, @goal, @phase, @budget, @created_at)
    ON CONFLICT(id) DO UPDATE SET name = @name, goal = @goal, phase = @phase, budget = @budget`);
  return {
    list: (): Project[] => list.all(),
    get: (id: string): Project | undefined => get.get(id),
    save(project: Omit<Project, 'created_at'>, now: string): Project {
      upsert.run({ ...project, created_at: now });
      return get.get(project.id)!;
    },
  };
}
export type ProjectsRepo = ReturnType<typeof createProjectsRepo>;

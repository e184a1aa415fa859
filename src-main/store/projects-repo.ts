import type { DailyCap } from '../../src-shared/schemas/daily-cap.ts';
import type { Project } from '../../src-shared/schemas/project.ts';
import type { Db } from './db.ts';

type ProjectRow = Omit<Project, 'daily_cap'> & { daily_cap: string | null };

const projectOf = ({ daily_cap, ...row }: ProjectRow): Project => ({
  ...row,
  daily_cap: daily_cap === null ? null : (JSON.parse(daily_cap) as DailyCap),
});

export function createProjectsRepo(db: Db) {
  const list = db.prepare<[], ProjectRow>('SELECT * FROM projects ORDER BY name');
  const get = db.prepare<[string], ProjectRow>('SELECT * FROM projects WHERE id = ?');
  const upsert = db.prepare(`INSERT INTO projects (id, name, goal, phase, budget, daily_cap, created_at)
    VALUES (@id, @name, @goal, @phase, @budget, @daily_cap, @created_at)
    ON CONFLICT(id) DO UPDATE SET name = @name, goal = @goal, phase = @phase, budget = @budget,
      daily_cap = @daily_cap`);
  return {
    list: (): Project[] => list.all().map(projectOf),
    get(id: string): Project | undefined {
      const row = get.get(id);
      return row && projectOf(row);
    },
    save(
      project: Omit<Project, 'created_at' | 'daily_cap'> & { daily_cap?: DailyCap | null },
      now: string,
    ): Project {
      const daily_cap = project.daily_cap ? JSON.stringify(project.daily_cap) : null;
      upsert.run({ ...project, daily_cap, created_at: now });
      return projectOf(get.get(project.id)!);
    },
  };
}
export type ProjectsRepo = ReturnType<typeof createProjectsRepo>;

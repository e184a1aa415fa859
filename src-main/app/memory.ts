import type { MemoryHandlers } from '../../src-shared/contract/domains/memory.ts';
import type { MemoryEntry } from '../../src-shared/schemas/memory.ts';
import { AppError, invalidInput } from '../base/errors.ts';
import { randomIds } from '../engine/clock.ts';
import { STEP_ENTRY_PREFIX, stepAsEntry } from '../store/steps-repo.ts';
import { LOG_ENTRY_PREFIX } from '../store/task-log-hits.ts';
import type { AppContext } from './context.ts';
import { searchIndexCaughtUp } from './search-catch-up.ts';

export function memoryHandlers({ store, bus, now }: AppContext): MemoryHandlers {
  /**
   * The project an entry is about: the run's or plan's own when one is named (a note filed under
   * another project would be found by that project's searches, about work it never had), else
   * as given, which must be a saved project.
   */
  const projectOf = (given: string | undefined, own: { of: string; project: string | null } | null) => {
    if (given === undefined || given === own?.project) return own?.project ?? given ?? null;
    if (!store.projects.get(given))
      throw new AppError('not_found', `project_id: project "${given}" not found`, { field: 'project_id' });
    if (own)
      throw invalidInput('memory.write input is invalid', [
        {
          path: 'project_id',
          message: `${own.of} is ${own.project === null ? 'of no project' : `of project "${own.project}"`}, not "${given}"`,
        },
      ]);
    return given;
  };
  /** The plan and project an entry is about: the run's when it names one, else the plan's, else as given. */
  const about = (input: { run_id?: string; task_id?: string; plan_id?: string; project_id?: string }) => {
    if (input.task_id !== undefined && input.run_id === undefined)
      throw invalidInput('memory.write input is invalid', [
        { path: 'task_id', message: 'name the task with its run_id' },
      ]);
    if (input.run_id !== undefined) {
      const run = store.runs.get(input.run_id);
      if (!run) throw new AppError('not_found', `run "${input.run_id}" not found`);
      if (input.plan_id !== undefined && input.plan_id !== run.plan_id)
        throw invalidInput('memory.write input is invalid', [
          { path: 'plan_id', message: `run "${run.id}" is of plan "${run.plan_id}", not "${input.plan_id}"` },
        ]);
      if (input.task_id !== undefined && !store.runs.task(run.id, input.task_id))
        throw new AppError('not_found', `task "${input.task_id}" is not in run "${run.id}"`);
      const project_id = projectOf(input.project_id, { of: `run "${run.id}"`, project: run.project_id });
      return { plan_id: run.plan_id, project_id };
    }
    if (input.plan_id !== undefined) {
      const plan = store.plans.get(input.plan_id);
      if (!plan) throw new AppError('not_found', `plan "${input.plan_id}" not found`);
      const own = { of: `plan "${plan.plan_id}"`, project: plan.plan.project_id ?? null };
      return { plan_id: plan.plan_id, project_id: projectOf(input.project_id, own) };
    }
    return { plan_id: null, project_id: projectOf(input.project_id, null) };
  };
  return {
    'memory.read': ({ memory_id }) => {
      // A step a search found (`step:<n>`) reads as the entry the search showed.
      if (memory_id.startsWith(STEP_ENTRY_PREFIX)) {
        const n = Number(memory_id.slice(STEP_ENTRY_PREFIX.length));
        const found = Number.isSafeInteger(n) && n > 0 ? store.steps.byId(n) : undefined;
        if (found) return stepAsEntry(n, found.step, found.agent_id, found.project_id);
      }
      if (memory_id.startsWith(LOG_ENTRY_PREFIX)) {
        const n = Number(memory_id.slice(LOG_ENTRY_PREFIX.length));
        const found = Number.isSafeInteger(n) && n > 0 ? store.memory.logLine(n) : undefined;
        if (found) return found;
      }
      const entry = store.memory.get(memory_id);
      if (!entry) throw new AppError('not_found', `memory entry "${memory_id}" not found`);
      return entry;
    },
    'memory.search': async (filter) => {
      const caughtUp = filter.query ? await searchIndexCaughtUp(store) : false;
      return store.memory.search(filter, caughtUp);
    },
    'memory.write': (input) => {
      const { plan_id, project_id } = about(input);
      const tags = new Set([input.type, `by:${input.agent_id}`]);
      if (plan_id) tags.add(`plan:${plan_id}`);
      if (input.run_id) tags.add(`run:${input.run_id}`);
      for (const t of input.tags) tags.add(t);
      const at = now();
      const entry: MemoryEntry = {
        id: randomIds.next('mem'),
        agent_id: input.agent_id,
        type: input.type,
        content: input.content,
        tags: [...tags],
        project_id,
        status: null,
        task_type: null,
        task_id: input.task_id ?? null,
        created_at: at,
        updated_at: at,
      };
      store.memory.insert({ ...entry, plan_id });
      bus.emit('memory.written', entry);
      return entry;
    },
  };
}

import type { AuditHandlers } from '../../src-shared/contract/domains/audit.ts';
import { invalidInput } from '../base/errors.ts';
import type { AppContext } from './context.ts';
import { searchIndexCaughtUp } from './search-catch-up.ts';

export function auditHandlers({ store }: AppContext): AuditHandlers {
  return {
    'audit.list': async ({ run_id, task_id, query, entity, actor, since, until, limit }) => {
      if (task_id !== undefined && run_id === undefined)
        throw invalidInput('audit.list', [
          { path: 'task_id', message: 'needs run_id: a task id names a task within a run' },
        ]);
      // A task's history is listed whole; a search over it would silently drop the task filter.
      if (task_id !== undefined && query)
        throw invalidInput('audit.list', [
          { path: 'query', message: 'cannot be combined with task_id: a task’s history is listed whole' },
        ]);
      if (task_id !== undefined && (entity || actor || since || until))
        throw invalidInput('audit.list', [
          { path: 'task_id', message: 'cannot be combined with filters: a task’s history is listed whole' },
        ]);
      const caughtUp = query ? await searchIndexCaughtUp(store) : false;
      return query || entity || actor || since || until
        ? store.memory.findAudit({ query, run_id, entity, actor, since, until, limit }, caughtUp)
        : store.memory.listAudit(run_id, limit, task_id);
    },
  };
}

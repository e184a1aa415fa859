import { actorOfCall } from '../../src-shared/contract/caller.ts';
import type { ProjectHandlers } from '../../src-shared/contract/domains/projects.ts';
import { configChangeEntry } from '../base/config-audit.ts';
import type { AppContext } from './context.ts';

export function projectHandlers({ store, engine, now }: AppContext): ProjectHandlers {
  return {
    'projects.list': () => store.projects.list(),
    'projects.save': (project, call) => {
      const saved = store.tx(() => {
        const old = store.projects.list().find((p) => p.id === project.id);
        const saved = store.projects.save(project, now());
        const { created_at: _was, ...before } = old ?? { created_at: '' };
        const { created_at: _now, ...after } = saved;
        const entry = configChangeEntry({
          at: now(),
          actor: actorOfCall(null, call),
          entity: 'project',
          entity_id: project.id,
          what: `project "${project.id}"`,
          before: old ? before : undefined,
          after,
        });
        if (entry) store.memory.audit(entry);
        return saved;
      });
      engine.agentsChanged(true);
      return saved;
    },
  };
}

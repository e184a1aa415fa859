import type { ProjectHandlers } from '../../src-shared/contract/domains/projects.ts';
import type { AppContext } from './context.ts';

export function projectHandlers({ store, now }: AppContext): ProjectHandlers {
  return {
    'projects.list': () => store.projects.list(),
    'projects.save': (project) => store.tx(() => store.projects.save(project, now())),
  };
}

import type { Store } from '../../../store/store.ts';
import type { WorkspacesRepo } from './workspaces-repo.ts';
import { createWorkspacesRepo } from './workspaces-repo.ts';

/** The app's store with the tables only the coding wing reads and writes: the registered workspaces. */
export type CodingStore = Store & { workspaces: WorkspacesRepo };

/** The coding wing's view of `store`: the same repositories and transaction, and its own over the same connection. */
export function codingStore(store: Store): CodingStore {
  return { ...store, workspaces: createWorkspacesRepo(store.db) };
}

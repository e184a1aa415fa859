import type { StateCreator } from 'zustand';
import type { Project } from '../../../src-shared/schemas/project.ts';
import { api } from '../api/client.ts';
import type { BatonState } from './index.ts';

/** The projects a plan may belong to (the designer's project picker). */
export interface ProjectsSlice {
  projects: Project[];
  loadProjects(): Promise<void>;
}

export const createProjectsSlice: StateCreator<BatonState, [], [], ProjectsSlice> = (set, get) => ({
  projects: [],
  async loadProjects() {
    try {
      const projects = await api.listProjects();
      set({ projects: projects.sort((a, b) => a.id.localeCompare(b.id)) });
    } catch (err) {
      get().fail('Could not load projects', err, 'designer');
    }
  },
});

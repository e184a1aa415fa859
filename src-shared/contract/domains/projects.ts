import type { Project } from '../../schemas/project.ts';
import { projectSchema } from '../../schemas/project.ts';
import { none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export const projectMethods = {
  'projects.list': method(none).returns<Project[]>(),
  'projects.save': method(projectSchema).returns<Project>(),
};

export type ProjectHandlers = HandlersOf<typeof projectMethods>;

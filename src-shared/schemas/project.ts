import { z } from 'zod';
import { idSchema } from './common.ts';

export const projectSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1).max(200),
  goal: z.string().max(5_000).default(''),
  phase: z.string().max(100).default('planning'),
  budget: z.number().nonnegative().nullable().default(null),
});
export type ProjectInput = z.input<typeof projectSchema>;
export interface Project extends z.infer<typeof projectSchema> {
  created_at: string;
}

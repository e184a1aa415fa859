import { z } from 'zod';
import { idSchema } from './common.ts';

export const projectSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  goal: z.string().max(5_000).default(''),
  phase: z.string().max(100).default('planning'),
  budget: z
    .number({ error: 'must be a number of 0 or more (or empty for no budget)' })
    .nonnegative('must be a number of 0 or more')
    .nullable()
    .default(null),
});
export type ProjectInput = z.input<typeof projectSchema>;
export interface Project extends z.infer<typeof projectSchema> {
  created_at: string;
}

import { z } from 'zod';
import { idSchema } from './common.ts';
import { dailyCapSchema } from './daily-cap.ts';

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
  /** Most the project's plans' runs together may spend in a day (its `budget` holds across all time). */
  daily_cap: dailyCapSchema.nullable().default(null),
});
export type ProjectInput = z.input<typeof projectSchema>;
export interface Project extends z.infer<typeof projectSchema> {
  created_at: string;
}

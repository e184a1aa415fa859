import { z } from 'zod';
import { inputNameSchema } from './run-inputs.ts';

/**
 * What in a request gives a task's input when scope drafts the task from a sentence (the task's
 * description is its step of the sentence): `subject` what the step is about, without its action
 * word ("research best laptops" → "best laptops"); `description` the step's whole text; `email`
 * the first email address in it.
 */
export const TASK_INPUT_SOURCES = ['subject', 'description', 'email'] as const;
export type TaskInputSource = (typeof TASK_INPUT_SOURCES)[number];

/**
 * What a task given to an agent needs in its `inputs` (the agent reads them from its context):
 * each input's purpose, whether the agent fails without it, and where scope takes it from when
 * it drafts a task for the agent. A draft (and `POST /api/v1/tasks`) gives each task what its
 * candidate agents declare; a request that cannot give a required one is refused, naming it.
 */
export const taskInputsDeclSchema = z
  .record(
    inputNameSchema,
    z.strictObject({
      required: z.boolean().default(false),
      description: z.string().max(2_000).optional(),
      from: z.enum(TASK_INPUT_SOURCES).optional(),
    }),
  )
  .refine((r) => Object.keys(r).length <= 64, 'at most 64 task inputs');
export type TaskInputsDecl = z.infer<typeof taskInputsDeclSchema>;

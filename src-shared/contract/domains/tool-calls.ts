import { z } from 'zod';
import type { WritePreview } from '../../schemas/approval.ts';
import { boundedRecordSchema } from '../../schemas/free-json.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/** The inbox's look at a tool call a person is asked about (asking and waiting: `inbox.*`). */
export const toolCallMethods = {
  /**
   * What a tool call that writes a file would change (its `write_file`/`edit_file` arguments, or
   * `input` as a person is editing them, against the file as it is now): null for a tool that
   * writes no file. For the inbox's diff preview; it reads, never writes.
   */
  'toolCalls.preview': method(
    z.strictObject({
      approval_id: z.string().min(1).max(200),
      input: boundedRecordSchema.optional(),
    }),
  ).returns<{ preview: WritePreview | null }>(),
};

export type ToolCallHandlers = HandlersOf<typeof toolCallMethods>;

import { z } from 'zod';

/** Fields several domains' inputs share. */

/** An input with no fields. */
export const none = z.strictObject({});
export const idField = z.string().min(1).max(200);
/** Who asks for a change people make (a cancel), as the audit log records it. */
export const actorField = z.string().trim().min(1).max(200);
/** An input of one id field named `key`. */
export const byId = <K extends string>(key: K) =>
  z.strictObject({ [key]: idField } as { [P in K]: typeof idField });

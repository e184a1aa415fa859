import { z } from 'zod';
import { secretNameSchema } from '../../schemas/agent.ts';
import { none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/** Secrets agents use. Values go in and are never sent back out. */
export const secretMethods = {
  'secrets.list': method(none).returns<{ names: string[]; writable: boolean }>(),
  'secrets.set': method(
    z.strictObject({ name: secretNameSchema, value: z.string().min(1).max(10_000) }),
  ).returns<{
    name: string;
  }>(),
  'secrets.delete': method(z.strictObject({ name: secretNameSchema })).returns<{ deleted: boolean }>(),
};

export type SecretHandlers = HandlersOf<typeof secretMethods>;

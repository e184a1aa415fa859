import { z } from 'zod';
import { boundedJsonSchema } from './common.ts';

/** The kinds of value a run input holds (JSON's). */
export const RUN_INPUT_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;

export const inputNameSchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
    'an input name is a letter or _ then letters, digits or _ (at most 64)',
  );

/**
 * A record schema that refuses an own `__proto__` key, with `message`. JSON.parse keeps such a
 * key as the object's own, but a zod record drops it (writing it into the result would replace
 * the result's prototype): without this, an input or a declaration so named vanished without a
 * word. Keys such as `constructor` need nothing: a record keeps them as the plain keys they are.
 */
function refusingProtoKey<T extends z.ZodType>(schema: T, message: string) {
  return z.preprocess<unknown, T, z.input<T>>((value, ctx) => {
    if (value !== null && typeof value === 'object' && Object.hasOwn(value, '__proto__'))
      ctx.addIssue({ code: 'custom', path: ['__proto__'], message, input: value });
    return value;
  }, schema);
}

/**
 * What a plan's runs take as inputs (schedules and triggers start runs with them):
 * each input's type, whether it must be given, its default, what it is for. Every task of the
 * run finds them in `inputs.run` (beside its own `inputs`).
 */
export const runInputsDeclSchema = refusingProtoKey(
  z
    .record(
      inputNameSchema,
      z.strictObject({
        type: z.enum(RUN_INPUT_TYPES),
        required: z.boolean().default(false),
        default: boundedJsonSchema.optional(),
        description: z.string().max(2_000).optional(),
      }),
    )
    .refine((r) => Object.keys(r).length <= 64, 'at most 64 run inputs'),
  '"__proto__" cannot be an input name',
);
export type RunInputsDecl = z.infer<typeof runInputsDeclSchema>;

/**
 * The values a run is started with, by input name. No plan can declare `__proto__` (above), so
 * an input so named is refused here, as checkRunInputs refuses any other undeclared one.
 */
export const runInputValuesSchema = refusingProtoKey(
  z.record(z.string().max(64), boundedJsonSchema).refine((v) => {
    try {
      return JSON.stringify(v).length <= 64 * 1024;
    } catch {
      return false;
    }
  }, 'must be JSON of at most 64 KB'),
  'the plan declares no input "__proto__" (no plan can: it is not an input name)',
);
export type RunInputValues = Record<string, unknown>;

function typeOf(v: unknown): (typeof RUN_INPUT_TYPES)[number] | 'null' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}

/**
 * Checks a run's inputs against what its plan declares: every problem with its path
 * (`inputs.<name>`), or the values with defaults filled in. A plan that declares nothing takes
 * no inputs.
 */
export function checkRunInputs(
  decl: RunInputsDecl | undefined,
  given: RunInputValues,
): { ok: true; values: RunInputValues } | { ok: false; issues: { path: string; message: string }[] } {
  const issues: { path: string; message: string }[] = [];
  const declared = decl ?? {};
  const values: RunInputValues = {};
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) {
      const known = Object.keys(declared);
      issues.push({
        path: `inputs.${name}`,
        message: known.length
          ? `the plan declares no input "${name}" (it takes: ${known.join(', ')})`
          : `the plan declares no run inputs (run_inputs), so it takes none`,
      });
    }
  }
  for (const [name, d] of Object.entries(declared)) {
    const v = Object.hasOwn(given, name) ? given[name] : d.default;
    if (v === undefined) {
      if (d.required) issues.push({ path: `inputs.${name}`, message: `is required (${d.type})` });
      continue;
    }
    const t = typeOf(v);
    if (t !== d.type) issues.push({ path: `inputs.${name}`, message: `must be ${d.type}, got ${t}` });
    else values[name] = v;
  }
  return issues.length ? { ok: false, issues } : { ok: true, values };
}

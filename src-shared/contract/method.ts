import type { z } from 'zod';
import type { CallContext } from './caller.ts';

/** A contract method: its input schema, and (as a phantom type) what it returns. */
export interface Method<I extends z.ZodType, O> {
  readonly input: I;
  readonly __output?: O;
}

export function method<I extends z.ZodType>(input: I) {
  return { returns: <O>(): Method<I, O> => ({ input }) };
}

// biome-ignore lint/suspicious/noExplicitAny: constraint for any method map
export type AnyMethods = Record<string, Method<z.ZodType, any>>;

export type InputOf<M> = M extends Method<infer I, unknown> ? z.input<I> : never;
export type ParsedInputOf<M> = M extends Method<infer I, unknown> ? z.output<I> : never;
export type OutputOf<M> = M extends Method<z.ZodType, infer O> ? O : never;

/**
 * The handler map of a domain: each method takes its parsed input, and who calls as the host
 * proved it (`caller.ts`), and returns plain data.
 */
export type HandlersOf<Ms extends AnyMethods> = {
  [K in keyof Ms]: (
    input: ParsedInputOf<Ms[K]>,
    call: CallContext,
  ) => Promise<OutputOf<Ms[K]>> | OutputOf<Ms[K]>;
};

/** Merges domain method maps into one; a method name declared twice is an error at start. */
export function mergeDomains<D extends Record<string, AnyMethods>>(
  domains: D,
): UnionToIntersection<D[keyof D]> {
  const all: AnyMethods = {};
  for (const [domain, methods] of Object.entries(domains)) {
    for (const [name, m] of Object.entries(methods)) {
      if (name in all)
        throw new Error(`contract: method "${name}" is declared twice (again in domain "${domain}")`);
      all[name] = m;
    }
  }
  return all as UnionToIntersection<D[keyof D]>;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

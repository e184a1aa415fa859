/**
 * How large a call's input may be. Only the calls that carry a whole plan (importing one, or
 * checking one before it is imported) may be large: a plan of 200,000 tasks is tens of
 * megabytes. Any other input is far smaller (a free-form value holds 256 KB at most), and one
 * past `MAX_CALL_BYTES` is refused before it is parsed on the thread that serves everyone.
 */
export const MAX_CALL_BYTES = 4 * 1024 * 1024;

/** The most a plan-carrying call (and the socket's frames, which name their method inside) may hold. */
export const MAX_BODY = 64 * 1024 * 1024;

/** The calls whose input may be up to `MAX_BODY`. */
export const LARGE_INPUT_METHODS: ReadonlySet<string> = new Set(['plans.import', 'plans.validate']);

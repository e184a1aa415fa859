import { randomBytes } from 'node:crypto';

export interface Clock {
  now(): number;
}
export interface Ids {
  next(prefix: string): string;
}

export const systemClock: Clock = { now: () => Date.now() };
/** Unique ids without a syscall each: a random per-process base and a counter. */
function createIds(): Ids {
  const base = randomBytes(6).toString('hex');
  let n = 0;
  return { next: (prefix) => `${prefix}-${base}${(n++).toString(36).padStart(4, '0')}` };
}

export const randomIds: Ids = createIds();

import { randomBytes } from 'node:crypto';

export interface Clock {
  now(): number;
}
export interface Ids {
  next(prefix: string): string;
}

export const systemClock: Clock = { now: () => Date.now() };
export const randomIds: Ids = { next: (prefix) => `${prefix}-${randomBytes(8).toString('hex')}` };

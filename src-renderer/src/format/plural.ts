/**
 * A count and its noun, made plural with an "s" unless the count is one: "1 attempt", "3
 * attempts"; `many` for a noun whose plural is not (`branch`, `branches`).
 */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `plural` with the count grouped in thousands: "10,000 files". */
export const counted = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

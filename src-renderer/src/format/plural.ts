/** A count and its noun, made plural with an "s" unless the count is one: "1 attempt", "3 attempts". */
export const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** `plural` with the count grouped in thousands: "10,000 files". */
export const counted = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

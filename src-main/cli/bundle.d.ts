/** bundle.js's types (it is JavaScript: baton.js loads it before Node's type stripper). */
export function currentBundle(root: URL, env?: Record<string, string | undefined>): string | null;

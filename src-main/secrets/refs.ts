const REF = /\{secret:([A-Za-z0-9_.-]+)\}/g;

/**
 * The secret names a configuration uses (an agent's): fields named `*_secret` (`api_key_secret`,
 * `auth_secret`), `{ secret: NAME }` values, and `{secret:NAME}` inside text; anywhere within it.
 */
export function secretNamesIn(value: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, key: string | null) => {
    if (typeof v === 'string') {
      if (key !== null && (key === 'secret' || key.endsWith('_secret'))) found.add(v);
      for (const m of v.matchAll(REF)) found.add(m[1]!);
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item, null);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) walk(item, k);
    }
  };
  walk(value, null);
  return [...found].sort();
}

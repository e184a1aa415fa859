/**
 * A setting from its flag, else its environment variable, checked by `parse` (which names
 * where the value came from in the Error it throws); undefined when neither is set or the
 * value is empty. Pass `undefined` as the flag for a setting read from the environment only.
 */
export function setting<T>(
  flag: string | undefined,
  flagName: string,
  envName: string,
  parse: (raw: string, what: string) => T,
): T | undefined {
  const raw = flag ?? process.env[envName];
  if (raw === undefined || raw === '') return undefined;
  return parse(raw, flag !== undefined ? flagName : envName);
}

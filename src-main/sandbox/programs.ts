import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Finds a program on `PATH` in this process, as `which` does: the first executable file of that
 * name. The sandbox library looks its programs up by running `which` with a one-second timeout
 * (`whichSync`), so on a busy machine it can say "socat not installed" of a program that is there
 * (seen in CI with two CPU hogs): Baton looks them up itself and gives the library their paths.
 */
export function findProgram(name: string, path: string | undefined = process.env.PATH): string | null {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not there, or not executable: the next folder
    }
  }
  return null;
}

/** The library's words for each program it needs that it could not find (`checkLinuxDependencies`, ripgrep's check). */
const MISSING: Record<string, string> = {
  bwrap: 'bubblewrap (bwrap) not installed',
  socat: 'socat not installed',
  rg: 'ripgrep (rg) not found',
};

/**
 * The library's check's errors, less those saying a program is missing that this process finds
 * on `PATH` (its `which` ran out of time). Every other error stands.
 */
export function realErrors(
  errors: readonly string[],
  find: (name: string) => string | null = findProgram,
): string[] {
  return errors.filter((e) => {
    const program = Object.keys(MISSING).find((p) => MISSING[p] === e);
    return program === undefined || find(program) === null;
  });
}

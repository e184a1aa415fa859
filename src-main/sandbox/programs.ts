import { findOnPath } from '../processes/find-on-path.ts';

/** The program each of the library's "missing" errors names (`checkLinuxDependencies`, its ripgrep check). */
const PROGRAM_OF: ReadonlyMap<string, string> = new Map([
  ['bubblewrap (bwrap) not installed', 'bwrap'],
  ['socat not installed', 'socat'],
  ['ripgrep (rg) not found', 'rg'],
]);

/**
 * The library's check's errors, less those saying a program is missing that this process finds
 * on `PATH` (`findOnPath`). The library looks its programs up by running `which` with a
 * one-second timeout (`whichSync`), so on a busy machine it says "socat not installed" of a
 * program that is there (seen in CI with two CPU hogs). Every other error stands.
 */
export function realErrors(
  errors: readonly string[],
  find: (name: string) => string | null = (name) => findOnPath(name, process.env.PATH),
): string[] {
  return errors.filter((e) => {
    const program = PROGRAM_OF.get(e);
    return program === undefined || find(program) === null;
  });
}

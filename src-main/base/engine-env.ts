// The environment a process that runs the engine starts with: beside `cli/v8-flags.ts`, here so
// that the person's environment (`processes/user-env.ts`) can leave out what was added.
import { setFlagsFromString } from 'node:v8';

/**
 * What every process that runs the engine has in its environment: where the person's does not set
 * it, by the launchers of `cli/v8-flags.ts`'s `ENGINE_V8_FLAGS` (`engineEnv`); whatever it says,
 * by the `baton` shebang (a shebang cannot test; agents' kinds never passed it on anyway):
 * - `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates under contention a malloc arena
 *   of its own (up to 8 per core), and what a thread freed stays in its arena. V8's GC helpers, the
 *   writer thread and libuv's pool each kept theirs: a 100,000-task run with the writer on peaked
 *   at 419–484 MB, with two arenas at 381–408 (docs/speed.md, "What keeps it fast"). Other C libraries ignore it.
 */
export const ENGINE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/**
 * V8 flags every process that runs the engine sets for itself as it builds the app
 * (`setEngineV8Flags`): beside `cli/v8-flags.ts`'s, which must be given at its start but do not
 * fit the `baton` shebang with these (Linux reads 127 bytes of it).
 * - `--no-allocation-site-pretenuring`: V8 allocates straight into the old generation the objects
 *   of a code site whose objects survived scavenges, and seldom takes that back. A 100,000-task
 *   run's import and start make sites whose objects live the whole run; the same sites go on making
 *   per-task objects that die in a tick or two, and those then fill the old generation: six to nine
 *   full GCs, and a peak the committed heap creeps to (with the writer's smaller queue, 411–499 MB
 *   with it against 377–431 without, alternating runs of 2026-12-01; docs/speed.md, "Garbage that
 *   dies young"). A 10,000-task run pays 5–9 % more CPU: the scavenger copies what a run keeps.
 */
export const ENGINE_RUNTIME_V8_FLAGS = ['--no-allocation-site-pretenuring'] as const;

/** Sets `ENGINE_RUNTIME_V8_FLAGS` in this process (V8 reads them as it collects and compiles). */
export function setEngineV8Flags(): void {
  for (const flag of ENGINE_RUNTIME_V8_FLAGS) setFlagsFromString(flag);
}

/**
 * Names the variables of `ENGINE_ENV` a launcher added (comma-separated): the person's environment
 * (`userEnvOf`), which agents and their programs get, leaves them out.
 */
export const ADDED_ENV = 'BATON_ADDED_ENV';

/** `env` with what `ENGINE_ENV` has that it does not set, and `ADDED_ENV` naming those. */
export function engineEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const added = Object.keys(ENGINE_ENV).filter((name) => env[name] === undefined);
  if (added.length === 0) return { ...env };
  const out: NodeJS.ProcessEnv = { ...env, [ADDED_ENV]: added.join(',') };
  for (const name of added) out[name] = ENGINE_ENV[name];
  return out;
}

/** Names of `env` a launcher added from `ENGINE_ENV` that still hold its value. */
export function addedByBaton(env: Readonly<Record<string, string | undefined>>): Set<string> {
  const names = (env[ADDED_ENV] ?? '').split(',');
  return new Set(names.filter((name) => Object.hasOwn(ENGINE_ENV, name) && env[name] === ENGINE_ENV[name]));
}

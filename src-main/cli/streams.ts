/**
 * What `baton` does when its output cannot be written. Without it, the 'error' a stream emits
 * (EPIPE when the reader went away: `baton runs | head -1`; ENOSPC on a full disk) is an
 * uncaught exception: a stack trace, and `baton run` killed mid-run with its run left executing.
 *
 * Once a stream fails it is written no more: a reader that went away (EPIPE) is left quietly,
 * any other failure is said once on stderr (when stderr still works). The command goes on to its
 * end: `baton run` keeps running its run and exits with the run's own code. A command whose
 * stdout could not be written for another reason than EPIPE does not exit 0: its output is lost.
 */

/** Set when stdout failed for another reason than EPIPE. */
let stdoutLost = false;

/** Turns `stream` into one that takes writes and drops them. */
function silence(stream: NodeJS.WriteStream): void {
  const drop = (_chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  };
  stream.write = drop as typeof stream.write;
}

function guard(stream: NodeJS.WriteStream, name: 'stdout' | 'stderr'): void {
  let failed = false;
  // Kept for good: a failed stream may emit again for writes already under way.
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    silence(stream);
    if (err.code === 'EPIPE') return;
    if (name === 'stdout') stdoutLost = true;
    if (stream !== process.stderr) process.stderr.write(`baton: cannot write to ${name}: ${err.message}\n`);
  });
}

/**
 * Installs the guard on stdout and stderr; once, before anything is written. A write fails after
 * it is made, so the exit code is settled as the process exits: 1 in place of 0 when stdout's
 * output was lost.
 */
export function guardOutput(): void {
  guard(process.stdout, 'stdout');
  guard(process.stderr, 'stderr');
  process.on('exit', (code) => {
    if (code === 0 && stdoutLost) process.exitCode = 1;
  });
}

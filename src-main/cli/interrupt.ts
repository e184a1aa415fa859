import type { BatonApp } from '../app/create-app.ts';

/** A command a signal stopped exits 128 + the signal's number, as a shell reports it. */
const EXIT_CODE = { SIGINT: 130, SIGTERM: 143 } as const;

/** The signal this process is stopping for (`closeOnSignal`), if any. */
let stoppingFor: keyof typeof EXIT_CODE | null = null;

/** The exit code of a command a signal is stopping (its runs left unfinished), else null. */
export function stoppedBySignal(): number | null {
  return stoppingFor ? EXIT_CODE[stoppingFor] : null;
}

/**
 * Ctrl+C or SIGTERM on a command that runs work in this process (`baton run`, `baton approve`):
 * the app closes as it should (its agents' programs stopped, its runs' leases given back, the
 * store closed) before the process exits 130 (143 for SIGTERM). Before, the process ended at the
 * signal: its programs were left to the parent watch, and its runs to the end of their leases
 * (30 s) before `baton serve` or the app took them up. A second Ctrl+C exits at once.
 */
export function closeOnSignal(app: BatonApp, say: (line: string) => void): void {
  const stop = (signal: keyof typeof EXIT_CODE) => {
    const code = EXIT_CODE[signal];
    if (stoppingFor) process.exit(code);
    stoppingFor = signal;
    say('baton: stopping the agents (Ctrl+C again quits at once)');
    void app.close().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

import type { TerminalInput, TerminalOutput } from '../../../../src-shared/contract/domains/terminals.ts';
import { TERMINAL_SOCKET_PATH } from '../../../../src-shared/contract/domains/terminals.ts';
import { AppError } from '../../../base/errors.ts';

/** What the desktop window's way in needs of the terminals: attach a terminal's shell, and check a terminal is the caller's. */
interface Attaching<Who> {
  attach(
    id: string,
    who: Who,
    size: { cols: number; rows: number },
    io: { send: (data: string, written: () => void) => void; exit: (why: string) => void },
  ): Promise<{ write(data: string): void; resize(cols: number, rows: number): void }>;
  mine(id: string, who: Who): void;
}

/**
 * The desktop window's terminals (`terminals.attach`, `terminals.input`): the shell's output and
 * end go to `out` (the window, as `terminal.output` events); `input` takes its keys. The window
 * closing ends the app, and the shells. Without `out` (a browser host, the CLI), `attach` is
 * unavailable: a browser opens the terminal's socket.
 */
export function desktopWindow<Who>(
  out: ((o: TerminalOutput) => void) | undefined,
  terminals: Attaching<Who>,
) {
  /** Terminals the desktop window attached: their keys' way in. */
  const desktop = new Map<string, { write(data: string): void; resize(cols: number, rows: number): void }>();
  return {
    /** The desktop window attaches terminal `id` (its opener's). */
    async attachDesktop(
      id: string,
      who: Who,
      size: { cols: number; rows: number },
    ): Promise<{ attached: true }> {
      if (!out)
        throw new AppError(
          'unavailable',
          `the desktop app's window attaches terminals; a browser opens the terminal's socket (${TERMINAL_SOCKET_PATH}${id})`,
        );
      let seq = 0;
      const attached = await terminals.attach(id, who, size, {
        send: (data, written) => {
          out({ terminal_id: id, seq: seq++, data });
          written();
        },
        exit: (why) => {
          desktop.delete(id);
          out({ terminal_id: id, seq: seq++, ended: why });
        },
      });
      desktop.set(id, attached);
      return { attached: true };
    },

    /** Keys typed in, or a new size of, a terminal the desktop window attached (its opener's). */
    input(id: string, who: Who, input: TerminalInput): { sent: true } {
      terminals.mine(id, who);
      const attached = desktop.get(id);
      if (!attached) throw new AppError('conflict', `terminal "${id}" is not attached: attach it first`);
      if (input.type === 'input') attached.write(input.data);
      else attached.resize(input.cols, input.rows);
      return { sent: true };
    },
  };
}

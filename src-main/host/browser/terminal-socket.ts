import type { WebSocket } from 'ws';
import type { CallContext } from '../../../src-shared/contract/caller.ts';
import { terminalInputSchema } from '../../../src-shared/contract/domains/terminals.ts';
import { roleAtLeast } from '../../../src-shared/schemas/plain/people.ts';
import type { Terminals } from '../../agents/coding/terminal/index.ts';
import { openerOf } from '../../agents/coding/terminal/index.ts';
import { LEAST_ROLE } from '../../people/permissions.ts';

/** Close codes of a terminal's socket: the shell ended, or the terminal was refused (the reason says why). */
export const TERMINAL_EXITED = 4000;
export const TERMINAL_REFUSED = 4403;

/**
 * A close frame's reason holds at most 123 bytes (RFC 6455 §5.5), and `ws` throws past it: a
 * reason naming a person (a name of 40 CJK characters is 120 bytes and more) is cut at a whole
 * character within the bytes.
 */
export function closeReason(why: string): string {
  if (Buffer.byteLength(why) <= 123) return why;
  let out = '';
  let bytes = 0;
  for (const ch of why) {
    bytes += Buffer.byteLength(ch);
    if (bytes > 120) break;
    out += ch;
  }
  return `${out}…`;
}

/** Closes a socket, whatever state it is in (a socket closing already throws nothing further). */
function close(ws: WebSocket, code: number, why: string): void {
  try {
    ws.close(code, closeReason(why));
  } catch {
    ws.terminate();
  }
}

const sizeOf = (v: string | null, fallback: number) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 2 && n <= 1000 ? n : fallback;
};

/**
 * A terminal's socket (`/terminal/<id>?cols=&rows=`), after the host proved who opened it as it
 * proves the UI's socket: only a `member` (as `terminals.open` needs), and only the person who
 * opened the terminal. The shell's output goes out as text frames; the page sends JSON frames
 * (`terminalInputSchema`: keys typed, a resize). The socket's close ends the shell; the shell's
 * exit closes the socket (TERMINAL_EXITED, its exit code as the reason).
 */
export async function serveTerminal(
  terminals: Terminals,
  ws: WebSocket,
  id: string,
  query: URLSearchParams,
  call: () => CallContext | null,
): Promise<void> {
  const refuse = (why: string) => close(ws, TERMINAL_REFUSED, why);
  const first = call();
  if (!first) return refuse('your session ended: sign in again');
  if (!roleAtLeast(first.role, LEAST_ROLE['terminals.open']))
    return refuse(`a terminal needs the role ${LEAST_ROLE['terminals.open']}; yours is ${first.role}`);
  let who: ReturnType<typeof openerOf>;
  try {
    who = openerOf(first);
  } catch (err) {
    return refuse((err as Error).message);
  }
  // What the page sends before the shell runs is kept, and given to it once it does.
  const early: string[] = [];
  let take: ((raw: string) => void) | null = null;
  ws.on('message', (data) => {
    const raw = data.toString();
    if (take) take(raw);
    else early.push(raw);
  });
  let closed = false;
  ws.on('close', () => {
    closed = true;
  });
  let attached: Awaited<ReturnType<Terminals['attach']>>;
  try {
    attached = await terminals.attach(
      id,
      who,
      { cols: sizeOf(query.get('cols'), 80), rows: sizeOf(query.get('rows'), 24) },
      {
        send: (data, written) => {
          if (ws.readyState === ws.OPEN) ws.send(data, () => written());
        },
        exit: (why) => close(ws, TERMINAL_EXITED, why),
      },
    );
  } catch (err) {
    return refuse((err as Error).message);
  }
  const detach = () => void attached.detach();
  if (closed) return detach();
  ws.on('close', detach);
  take = (raw: string) => {
    // Proven again at each frame: a session that ended, or a person no longer a member (their
    // role lowered while the terminal was open), closes it.
    const now = call();
    if (now === null) return close(ws, TERMINAL_REFUSED, 'your session ended');
    if (!roleAtLeast(now.role, LEAST_ROLE['terminals.open']))
      return close(
        ws,
        TERMINAL_REFUSED,
        `a terminal needs the role ${LEAST_ROLE['terminals.open']}; yours is now ${now.role}`,
      );
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const input = terminalInputSchema.safeParse(parsed);
    if (!input.success) return;
    if (input.data.type === 'input') attached.write(input.data.data);
    else attached.resize(input.data.cols, input.data.rows);
  };
  for (const raw of early.splice(0)) take(raw);
}

import { z } from 'zod';
import { taskRefSchema } from '../../schemas/run.ts';
import { idField } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/**
 * Where a terminal's socket is served by the browser host: `/terminal/<terminal_id>`, opened with
 * the same proof as the UI's socket (`/ws`: the launch token as a subprotocol, or a person's
 * session cookie or personal token) by the person who opened the terminal.
 */
export const TERMINAL_SOCKET_PATH = '/terminal/';

/** What a person does after closing a terminal: let the task's agent go on (told what changed), or end the task. */
export const TERMINAL_AFTER = ['go_on', 'end_task'] as const;
export type TerminalAfter = (typeof TERMINAL_AFTER)[number];

/**
 * The state of a terminal: `open` (its shell runs, or waits for its socket), `closed` (the shell
 * ended; what the person changed waits for their choice), `done` (they chose).
 */
export type TerminalState = 'open' | 'closed' | 'done';

/** A terminal a person opened in a coding task's worktree (docs/take-over.md). */
export interface TerminalView {
  terminal_id: string;
  run_id: string;
  task_id: string;
  /** Who opened it (their name): one terminal per task, theirs alone. */
  by: string;
  /** The worktree it works in, and the task's branch. */
  dir: string;
  branch: string;
  state: TerminalState;
  /** Whether its shell runs in the OS sandbox (off only when the agent's sandbox is off). */
  sandboxed: boolean;
  /** What the shell may write and reach, in words. */
  where: string;
  /**
   * Whether the task's agent is held while the person types (paused, its stopped turn ended
   * before the terminal opened); false where there is no turn to hold (no attempt runs now, or its
   * CLI cannot stop a turn: it goes on beside them).
   */
  agent_held: boolean;
  /** The same in words, for the dialog: `The agent is paused while you type…`, or why it is not. */
  agent_note: string;
  opened_at: string;
  /** The socket's path on the browser host (`/terminal/<id>`). */
  socket_path: string;
}

/** The files the person changed in the worktree since the terminal opened (tracked or new). */
export interface TerminalChanges {
  terminal: TerminalView;
  files: string[];
  /** Why nothing can be committed: the worktree was removed after the terminal opened (its run ended). Null while it is there. */
  gone: string | null;
}

/** What came of the person's choice after closing. */
export interface TerminalOutcome {
  terminal: TerminalView;
  /** The person's commit on the task's branch (author: their name), or null when nothing was committed. */
  commit: string | null;
  /** A commit Baton made first of what the agent had left uncommitted when the person took over, or null. */
  agent_commit: string | null;
  after: TerminalAfter;
  /** How the agent was told (`after: go_on`), or why it could not be; the task's end (`end_task`). */
  said: string;
}

/** What the browser sends on a terminal's socket (text frames, JSON); the host sends the shell's output as text frames. */
export const terminalInputSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('input'), data: z.string().max(64 * 1024) }),
  z.strictObject({
    type: z.literal('resize'),
    cols: z.number().int().min(2).max(1000),
    rows: z.number().int().min(2).max(1000),
  }),
]);
export type TerminalInput = z.infer<typeof terminalInputSchema>;

/**
 * What the desktop app's main process sends its window of a terminal the window attached
 * (`terminals.attach`), as a `terminal.output` event: the shell's output, or its end and why. Each
 * has its number, in order.
 */
export interface TerminalOutput {
  terminal_id: string;
  seq: number;
  data?: string;
  ended?: string;
}

export const terminalMethods = {
  /**
   * Opens a terminal in a coding task's worktree, in the OS sandbox its agent runs in (the same
   * policy: network, hidden paths, protected paths; it writes only the worktree and its own temp
   * folder). One per task: a task with an open terminal is a `conflict` naming who has it. The
   * agent is asked to hold while the person types. Its shell starts when the socket opens.
   */
  'terminals.open': method(taskRefSchema).returns<TerminalView>(),
  /** The task's terminal still open or waiting for its person's choice, or null. */
  'terminals.get': method(taskRefSchema).returns<TerminalView | null>(),
  /** Ends the terminal's shell (if it still runs) and says what the person changed. Only its opener. */
  'terminals.close': method(z.strictObject({ terminal_id: idField })).returns<TerminalChanges>(),
  /**
   * After closing: commits what the person changed as their own commit on the task's branch
   * (`commit`, with `message`), then lets the agent go on, told what changed (`go_on`, as
   * `runs.say` tells it), or cancels the task (`end_task`). Only its opener.
   */
  'terminals.commit': method(
    z.strictObject({
      terminal_id: idField,
      commit: z.boolean().default(true),
      message: z.string().trim().min(1).max(2000).optional(),
      after: z.enum(TERMINAL_AFTER),
    }),
  ).returns<TerminalOutcome>(),
  /**
   * The desktop window's way to a terminal (its window talks over IPC; a browser uses the socket,
   * `socket_path`): the shell starts, its output comes to the window alone as `terminal.output`
   * events. Elsewhere `unavailable`. Only its opener.
   */
  'terminals.attach': method(
    z.strictObject({
      terminal_id: idField,
      cols: z.number().int().min(2).max(1000),
      rows: z.number().int().min(2).max(1000),
    }),
  ).returns<{ attached: true }>(),
  /** Keys typed or a new size, for a terminal the desktop window attached. */
  'terminals.input': method(z.strictObject({ terminal_id: idField, input: terminalInputSchema })).returns<{
    sent: true;
  }>(),
};

export type TerminalHandlers = HandlersOf<typeof terminalMethods>;

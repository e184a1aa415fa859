import type { CallContext } from '../../../../src-shared/contract/caller.ts';
import { UNNAMED_ACTOR } from '../../../../src-shared/contract/caller.ts';
import type { TerminalHandlers } from '../../../../src-shared/contract/domains/terminals.ts';
import { roleAtLeast } from '../../../../src-shared/schemas/plain/people.ts';
import { AppError } from '../../../base/errors.ts';
import type { Opener, Terminals } from './terminals.ts';

/**
 * Who a call comes from, as a terminal's opener: the signed-in person, else the machine's owner
 * (before any account) by the name the UI says. A program that is no person (a remote worker, an
 * agent's attempt) has no terminal.
 */
export function openerOf(call: CallContext): Opener {
  const admin = roleAtLeast(call.role, 'admin');
  if (call.person) return { personId: call.person.id, name: call.person.name, admin };
  if (call.via !== 'local')
    throw new AppError('forbidden', 'only a person, or the owner at this machine, opens a terminal');
  return { personId: null, name: call.actor ?? UNNAMED_ACTOR, admin };
}

/** The `terminals.*` methods (src-shared/contract/domains/terminals.ts) over the app's terminals. */
export function terminalHandlers(terminals: Terminals): TerminalHandlers {
  return {
    'terminals.open': ({ run_id, task_id }, call) => terminals.open(run_id, task_id, openerOf(call)),
    'terminals.get': ({ run_id, task_id }) => terminals.get(run_id, task_id),
    'terminals.close': ({ terminal_id }, call) => terminals.close(terminal_id, openerOf(call)),
    'terminals.commit': ({ terminal_id, commit, message, after }, call) =>
      terminals.commit(terminal_id, openerOf(call), { commit, message, after }),
    'terminals.attach': ({ terminal_id, cols, rows }, call) =>
      terminals.attachDesktop(terminal_id, openerOf(call), { cols, rows }),
    'terminals.input': ({ terminal_id, input }, call) => terminals.input(terminal_id, openerOf(call), input),
  };
}

import type { CallContext } from '../../../../src-shared/contract/caller.ts';
import { UNNAMED_ACTOR } from '../../../../src-shared/contract/caller.ts';
import type { TerminalHandlers } from '../../../../src-shared/contract/domains/terminals.ts';
import type { Opener, Terminals } from './terminals.ts';

/** Who a call comes from, as a terminal's opener: the signed-in person, else the machine's owner by the name the UI says. */
export function openerOf(call: CallContext): Opener {
  return { personId: call.person?.id ?? null, name: call.person?.name ?? call.actor ?? UNNAMED_ACTOR };
}

/** The `terminals.*` methods (src-shared/contract/domains/terminals.ts) over the app's terminals. */
export function terminalHandlers(terminals: Terminals): TerminalHandlers {
  return {
    'terminals.open': ({ run_id, task_id }, call) => terminals.open(run_id, task_id, openerOf(call)),
    'terminals.get': ({ run_id, task_id }) => terminals.get(run_id, task_id),
    'terminals.close': ({ terminal_id }, call) => terminals.close(terminal_id, openerOf(call)),
    'terminals.commit': ({ terminal_id, commit, message, after }, call) =>
      terminals.commit(terminal_id, openerOf(call), { commit, message, after }),
  };
}

export { openerOf, terminalHandlers } from './handlers.ts';
export type { AgentHold, Opener, Terminals, TerminalsDeps } from './terminals.ts';
export { createTerminals, NO_HOLD } from './terminals.ts';

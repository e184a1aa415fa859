export { openerOf, terminalHandlers } from './handlers.ts';
export type { AgentHeld, AgentHold } from './hold.ts';
export { pauseHold } from './hold.ts';
export type { Opener, Terminals, TerminalsDeps } from './terminals.ts';
export { createTerminals, NO_HOLD } from './terminals.ts';

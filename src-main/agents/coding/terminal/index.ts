export { openerOf, terminalHandlers } from './handlers.ts';
export type { AgentHeld, AgentHold } from './hold.ts';
export { NO_HOLD, pauseHold } from './hold.ts';
export type { Opener, Terminals, TerminalsDeps } from './terminals.ts';
export { createTerminals } from './terminals.ts';

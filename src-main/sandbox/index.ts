// The sandbox room's face: what the rest of src-main takes from it.

export type { Blocked } from './blocked.ts';
export { blockedOf, protectedWrite } from './blocked.ts';
export type { ConfinedProgram, Confinement, ConfineRequest, SandboxOf } from './confine.ts';
export {
  cannotRunHere,
  confine,
  endSandboxWhenIdle,
  exitOutside,
  inFolder,
  programProblem,
} from './confine.ts';
export type { Inbound, InboundLook, InboundPorts } from './inbound.ts';
export { listensHere, lookInto } from './inbound.ts';
export type { Guarded } from './protected.ts';
export { protectedIn } from './protected.ts';
export { sandboxStatus, sandboxStatusOnceAsked } from './runtime.ts';

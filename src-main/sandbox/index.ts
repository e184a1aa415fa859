// The sandbox room's face: what the rest of src-main takes from it.

export type { Blocked } from './blocked.ts';
export type { ConfinedProgram, Confinement, ConfineRequest, SandboxShare } from './confine.ts';
export { cannotRunHere, confine, endSandboxWhenIdle, exitOutside, sandboxShare } from './confine.ts';
export { sandboxStatus } from './runtime.ts';

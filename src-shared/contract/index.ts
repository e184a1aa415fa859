import {
  agentMethods,
  approvalMethods,
  memoryMethods,
  planMethods,
  projectMethods,
  runMethods,
  scopeMethods,
  secretMethods,
  workMethods,
} from './domains.ts';
import type { HandlersOf, InputOf, OutputOf } from './method.ts';
import { mergeDomains } from './method.ts';

export const contract = mergeDomains({
  projects: projectMethods,
  plans: planMethods,
  runs: runMethods,
  agents: agentMethods,
  memory: memoryMethods,
  approvals: approvalMethods,
  work: workMethods,
  scope: scopeMethods,
  secrets: secretMethods,
});

export type Contract = typeof contract;
export type MethodName = keyof Contract & string;
export type BatonHandlers = HandlersOf<Contract>;
export type MethodInput<K extends MethodName> = InputOf<Contract[K]>;
export type MethodOutput<K extends MethodName> = OutputOf<Contract[K]>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(contract, name);
}

export * from './domains.ts';
export * from './errors.ts';
export * from './events.ts';

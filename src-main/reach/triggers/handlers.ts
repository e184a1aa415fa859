import { actorOfCall } from '../../../src-shared/contract/caller.ts';
import type { TriggerHandlers } from '../../../src-shared/contract/domains/triggers.ts';
import type { AuditChange } from '../../../src-shared/schemas/memory.ts';
import type { RunInputsDecl } from '../../../src-shared/schemas/run-inputs.ts';
import { checkRunInputs } from '../../../src-shared/schemas/run-inputs.ts';
import { fieldChanges } from '../../base/config-audit.ts';
import { invalidInput } from '../../base/errors.ts';
import { randomIds } from '../../engine/clock.ts';
import type { Store } from '../../store/store.ts';
import type { IssueWatch, WatchedForge } from './issue-watch.ts';
import type { Triggers } from './triggers.ts';

export function triggerHandlers(deps: {
  triggers: Triggers;
  issues: IssueWatch;
  store: Store;
  forgeOf: (workspaceId: string) => WatchedForge | string;
  audit: (e: { entity_id: string; to: string; why: string; actor: string; changes: AuditChange[] }) => void;
}): TriggerHandlers {
  const { triggers } = deps;
  return {
    'triggers.list': () => triggers.repo.list().map((t) => triggers.shown(t)),
    'triggers.add': (input, call) => {
      const plan = deps.store.plans.get(input.plan_id);
      if (!plan)
        throw invalidInput('trigger', [{ path: 'plan_id', message: `plan "${input.plan_id}" not found` }]);
      // The trigger's own inputs must fit the plan as they are; a call may add the rest.
      const checked = checkRunInputs(plan.plan.run_inputs, input.inputs);
      const given = new Set(Object.keys(input.inputs).map((k) => `inputs.${k}`));
      const wrong = checked.ok ? [] : checked.issues.filter((i) => given.has(i.path));
      if (wrong.length > 0) throw invalidInput(`trigger for plan "${input.plan_id}"`, wrong);
      const created = triggers.create({
        id: input.id ?? randomIds.next('trg'),
        plan_id: input.plan_id,
        inputs: input.inputs,
        rate_per_minute: input.rate_per_minute,
      });
      deps.audit({
        entity_id: created.trigger.id,
        to: 'active',
        why: `trigger for plan "${input.plan_id}" at ${created.url} (${input.rate_per_minute} calls a minute)`,
        actor: actorOfCall(null, call),
        // Its secret is its own, never written here.
        changes: fieldChanges(undefined, {
          plan_id: input.plan_id,
          inputs: input.inputs,
          rate_per_minute: input.rate_per_minute,
        }).changes,
      });
      return created;
    },
    'triggers.addGithubIssues': (input, call) => {
      const plan = deps.store.plans.get(input.plan_id);
      if (!plan)
        throw invalidInput('trigger', [{ path: 'plan_id', message: `plan "${input.plan_id}" not found` }]);
      const source = input.github_issues;
      const declared = plan.plan.run_inputs ?? {};
      const wrong = Object.entries(source.inputs_from)
        .filter(([, name]) => name !== undefined && !(name in declared))
        .map(([what, name]) => ({
          path: `github_issues.inputs_from.${what}`,
          message: `plan "${input.plan_id}" takes no run input "${name}" (it takes ${Object.keys(declared).join(', ') || 'none'})`,
        }));
      const forge = deps.forgeOf(source.workspace);
      if (typeof forge === 'string') wrong.push({ path: 'github_issues.workspace', message: forge });
      if (wrong.length === 0) wrong.push(...issueRunProblems(declared, input.inputs, source.inputs_from));
      if (wrong.length > 0) throw invalidInput(`trigger for plan "${input.plan_id}"`, wrong);
      const created = triggers.createWatching({
        id: input.id ?? randomIds.next('trg'),
        kind: 'github_issues',
        plan_id: input.plan_id,
        inputs: input.inputs,
        source,
      });
      deps.audit({
        entity_id: created.id,
        to: 'active',
        why: `trigger for plan "${input.plan_id}": issues labelled "${source.label}" of ${typeof forge === 'string' ? source.workspace : forge.repo} (workspace "${source.workspace}")`,
        actor: actorOfCall(null, call),
        changes: fieldChanges(undefined, {
          plan_id: input.plan_id,
          inputs: input.inputs,
          github_issues: source,
        }).changes,
      });
      deps.issues.wake();
      return created;
    },
    'triggers.issues': ({ trigger_id }) => triggers.repo.issues(trigger_id),
    'triggers.remove': ({ trigger_id }, call) => {
      const before = triggers.repo.get(trigger_id);
      const removed = triggers.remove(trigger_id);
      if (removed)
        deps.audit({
          entity_id: trigger_id,
          to: 'removed',
          why: before ? `trigger of plan "${before.plan_id}" removed` : 'trigger removed',
          actor: actorOfCall(null, call),
          changes: [],
        });
      return { removed };
    },
  };
}

/**
 * What would keep an issue's run from starting, checked before the trigger is made: the trigger's
 * own inputs and what an issue gives (text for its title, body and address, a number for its
 * number) against the plan's run inputs: a required one nobody gives, one of the wrong type.
 */
function issueRunProblems(
  declared: RunInputsDecl,
  inputs: Record<string, unknown>,
  from: Partial<Record<'title' | 'body' | 'number' | 'url', string | undefined>>,
): { path: string; message: string }[] {
  const sample: Record<string, unknown> = { ...inputs };
  const fromIssue = new Map<string, string>();
  for (const [what, name] of Object.entries(from)) {
    if (name === undefined) continue;
    fromIssue.set(name, what);
    sample[name] = what === 'number' && declared[name]?.type !== 'string' ? 1 : 'text';
  }
  const checked = checkRunInputs(declared, sample);
  if (checked.ok) return [];
  return checked.issues.map((i) => {
    const name = i.path.replace(/^inputs\./, '');
    const what = fromIssue.get(name);
    if (what)
      return {
        path: `github_issues.inputs_from.${what}`,
        message: `run input "${name}" ${i.message}: the issue's ${what} is ${what === 'number' ? 'a number' : 'text'}`,
      };
    return i.message.startsWith('is required')
      ? { ...i, message: `${i.message}: give it in the trigger's inputs, or from the issue (inputs_from)` }
      : i;
  });
}

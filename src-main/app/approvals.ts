import type { CallContext } from '../../src-shared/contract/caller.ts';
import type { ApprovalHandlers } from '../../src-shared/contract/domains/approvals.ts';
import type {
  Approval,
  ApprovalView,
  BlockedWork,
  DiffReviewView,
  EarlierReview,
  PreviousReview,
} from '../../src-shared/schemas/approval.ts';
import { BLOCKED_COUNT_LIMIT, BLOCKED_NAMED } from '../../src-shared/schemas/approval.ts';
import type { Deciders } from '../../src-shared/schemas/people.ts';
import { DEFAULT_DECIDERS, mayDecide } from '../../src-shared/schemas/people.ts';
import type { ApprovalKind } from '../../src-shared/schemas/plain/approval.ts';
import { isDecided } from '../../src-shared/schemas/plain/approval.ts';
import { roleAtLeast } from '../../src-shared/schemas/plain/people.ts';
import { isCodingOutput } from '../../src-shared/schemas/plain/workspace.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import { protectedNameOf } from '../../src-shared/schemas/protected-paths.ts';
import type { ChangedFile } from '../../src-shared/schemas/workspace.ts';
import { checkArguments, problemText } from '../../src-shared/tool-calls/check-arguments.ts';
import type { CodingStore } from '../agents/coding/index.ts';
import { DIFF_ARTIFACT, diffCommits } from '../agents/coding/index.ts';
import { AppError, invalidInput } from '../base/errors.ts';
import type { Engine } from '../engine/engine.ts';
import { dependentsOf } from '../engine/run-state.ts';
import type { AppContext } from './context.ts';
import type { Decision } from './handed-answers.ts';

/** The changed files a reviewer is told are protected paths (the old name of a rename too), if any. */
function protectedFiles(files: readonly ChangedFile[]): { protected_files?: string[] } {
  const marked = files
    .filter(
      (f) =>
        protectedNameOf(f.path) !== null ||
        (f.old_path !== undefined && protectedNameOf(f.old_path) !== null),
    )
    .map((f) => f.path);
  return marked.length > 0 ? { protected_files: marked } : {};
}

/**
 * Arguments a person edited for a tool call must fit the tool's input schema (the one the tool
 * declared, kept with the call): refused otherwise, naming the argument, as the inbox says it.
 */
function checkEditedArguments(store: CodingStore, approvalId: string, input: Record<string, unknown>): void {
  const call = store.toolCalls.get(approvalId);
  const problem = checkArguments(input, call?.input_schema ?? null);
  if (!problem || !call) return;
  const text = problemText(problem);
  throw invalidInput(`the edited arguments of ${call.tool} do not fit its schema`, [
    { path: problem.field ? `input.${problem.field}` : 'input', message: text },
  ]);
}

/** What an approval's kind adds to its view. */
type KindDetails = Pick<ApprovalView, 'diff' | 'tool_call' | 'merge_conflict' | 'sandbox_host'>;

/** The most of the diff since an earlier review sent to a reviewer (as much as a diff artifact is read at once). */
const INTERDIFF_BYTES = 1_048_576;

/**
 * The tasks downstream of `taskId`, directly or through others, each once (a diamond counts its
 * join once), counted up to BLOCKED_COUNT_LIMIT: what deciding its approval lets go on. A task
 * downstream of one that has not finished has not run, so each of them waits on it.
 */
export function blockedWork(dependents: ReadonlyMap<string, readonly string[]>, taskId: string): BlockedWork {
  const next = dependents.get(taskId) ?? [];
  const seen = new Set<string>();
  const stack = [...next];
  let more = false;
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    if (seen.size >= BLOCKED_COUNT_LIMIT) {
      more = true;
      break;
    }
    seen.add(t);
    for (const d of dependents.get(t) ?? []) if (!seen.has(d)) stack.push(d);
  }
  return { count: seen.size, more, next: next.slice(0, BLOCKED_NAMED) };
}

/**
 * Approvals as people see them: `view` adds the plan, the task's description and what its
 * dependencies produced, so a person can decide without looking elsewhere, and the kind's own
 * details. `approvals.list` answers with it, and every `approval.changed` event carries it.
 */
export function approvalViews(store: CodingStore) {
  const view = (approvals: Approval[]): ApprovalView[] => {
    const runs = new Map<
      string,
      {
        plan_id: string;
        started_by: string | null;
        specs: Map<string, TaskSpec>;
        /** Who depends on each task, made when a pending approval of the run first asks. */
        dependents?: Map<string, string[]>;
        plan: Plan | undefined;
      } | null
    >();
    return approvals.map((a) => {
      if (!runs.has(a.run_id)) {
        const run = store.runs.get(a.run_id);
        const plan = run ? store.plans.get(run.plan_id, run.plan_version)?.plan : undefined;
        const specs = new Map<string, TaskSpec>();
        for (const t of plan?.tasks ?? []) specs.set(t.task_id, t);
        if (run) for (const t of store.runs.addedSpecs(a.run_id)) specs.set(t.task_id, t);
        runs.set(a.run_id, run ? { plan_id: run.plan_id, started_by: run.started_by, specs, plan } : null);
      }
      const r = runs.get(a.run_id);
      const spec = r?.specs.get(a.task_id);
      const dependencies = (spec?.depends_on ?? []).flatMap((id) => {
        const t = store.runs.task(a.run_id, id);
        return t ? [{ task_id: id, status: t.status, output: t.output }] : [];
      });
      if (r && a.status === 'pending') r.dependents ??= dependentsOf([...r.specs.values()]);
      return {
        ...a,
        plan_id: r?.plan_id ?? null,
        run_started_by: r?.started_by ?? null,
        deciders: decidersOf(spec, r?.plan),
        task_description: spec?.description ?? null,
        dependencies,
        ...(r?.dependents ? { blocks: blockedWork(r.dependents, a.task_id) } : {}),
        ...DETAILS[a.kind](a),
      };
    });
  };
  /** Who may decide: the task's approvers, else the plan's, else its workspace's, else any member. */
  // A plan's or task's approvers narrow its workspace's (an admin's rule), never widen them.
  const decidersOf = (spec: TaskSpec | undefined, plan: Plan | undefined): Deciders => {
    const ws = spec?.workspace ?? plan?.workspace;
    const named = ws === undefined ? undefined : store.workspaces.get(ws)?.approvers;
    const within = named ? { workspace: named } : {};
    if (spec?.approvers) return { ...spec.approvers, from: 'task', ...within };
    if (plan?.approvers) return { ...plan.approvers, from: 'plan', ...within };
    return named ? { ...named, from: 'workspace' } : DEFAULT_DECIDERS;
  };
  /**
   * What each kind shows besides its reason, one entry per kind (the compiler asks for a new
   * kind's): a diff review its diff, a tool call the call, a merge conflict the merge.
   */
  const DETAILS: { [K in ApprovalKind]: (a: Approval) => KindDetails } = {
    approval_required: () => ({}),
    budget: () => ({}),
    escalation: () => ({}),
    diff_review: (a) => {
      const diff = diffOf(a);
      return diff ? { diff } : {};
    },
    tool_call: (a) => {
      const call = store.toolCalls.get(a.id);
      if (!call) return {};
      const { approval_id: _a, run_id: _r, task_id: _t, ...tool_call } = call;
      return { tool_call };
    },
    merge_conflict: (a) => {
      // Asked before the merge was kept as data: no row, and the reason says it in words.
      const conflict = store.mergeConflicts.get(a.id);
      if (!conflict) return {};
      const { approval_id: _a, run_id: _r, task_id: _t, ...merge_conflict } = conflict;
      return { merge_conflict };
    },
    sandbox_host: (a) => {
      const asked = store.sandboxHosts.get(a.id);
      if (!asked) return {};
      const { approval_id: _a, run_id: _r, task_id: _t, ...sandbox_host } = asked;
      const hosts = store.sandboxHosts.hostsOf(a.id);
      return { sandbox_host: hosts.length > 0 ? { ...sandbox_host, hosts } : sandbox_host };
    },
  };
  /**
   * A diff review's diff: the output of the attempt it waits after (the task's output while it
   * waits, and once approved or rejected). After a request for changes the task went on, and its
   * output is a later attempt's: such an approval shows no diff.
   */
  const diffOf = (a: Approval): DiffReviewView | undefined => {
    const task = store.runs.task(a.run_id, a.task_id);
    if (!task || a.status === 'changes_requested') return undefined;
    const attempt = task.attempt;
    const artifacts = store.execution.artifacts(a.run_id, a.task_id);
    const out = task.output;
    if (!isCodingOutput(out)) return undefined;
    // A best-of task whose reviewer picked another candidate answers that candidate's diff.
    const name = out.diff_artifact ?? DIFF_ARTIFACT;
    const artifact = artifacts.findLast((x) => x.attempt === attempt && x.name === name);
    return {
      workspace_id: out.workspace_id,
      branch: out.branch,
      commit: out.commit,
      start_commit: out.start_commit,
      attempt,
      files: out.files,
      additions: out.additions,
      deletions: out.deletions,
      artifact: artifact ? { id: artifact.id, name: artifact.name, size: artifact.size } : null,
      summary: out.summary,
      ...protectedFiles(out.files),
      ...(out.checks ? { checks: out.checks, fix_rounds: out.fix_rounds ?? 0 } : {}),
      ...(out.best_of ? { best_of: out.best_of } : {}),
      ...withPrevious(a),
      ...withEarlier(a),
    };
  };
  /** Every diff review of the task decided before this one was asked, oldest first. */
  const earlierOf = (a: Approval): EarlierReview[] => {
    const list = store.approvals.forTask(a.run_id, a.task_id);
    const at = list.findIndex((x) => x.id === a.id);
    return list.slice(0, at < 0 ? list.length : at).flatMap((x) => {
      if (x.kind !== 'diff_review' || x.status === 'pending') return [];
      const seen = store.diffReviews.get(x.id);
      return [
        {
          approval_id: x.id,
          decision: x.status,
          attempt: seen?.attempt ?? null,
          commit: seen?.commit ?? null,
          actor: x.actor,
          decided_at: x.decided_at,
          comment: x.comment,
          line_comments: store.approvals.lineComments(x.id),
        },
      ];
    });
  };
  const withEarlier = (a: Approval): { earlier_reviews?: EarlierReview[] } => {
    const earlier = earlierOf(a);
    return earlier.length > 0 ? { earlier_reviews: earlier } : {};
  };
  /**
   * The task's diff review before this one that asked for changes (the latest whose commit is
   * known): what it saw and said, and why the task went on to the attempt now reviewed.
   */
  const previousOf = (a: Approval): PreviousReview | undefined => {
    const list = store.approvals.forTask(a.run_id, a.task_id);
    const before = list.slice(
      0,
      list.findIndex((x) => x.id === a.id),
    );
    for (const x of before.reverse()) {
      if (x.kind !== 'diff_review' || x.status !== 'changes_requested') continue;
      const seen = store.diffReviews.get(x.id);
      if (!seen) continue;
      return {
        approval_id: x.id,
        attempt: seen.attempt,
        commit: seen.commit,
        actor: x.actor,
        decided_at: x.decided_at,
        comment: x.comment,
        line_comments: store.approvals.lineComments(x.id),
      };
    }
    return undefined;
  };
  const withPrevious = (a: Approval): { previous_review?: PreviousReview } => {
    const previous = previousOf(a);
    return previous ? { previous_review: previous } : {};
  };
  /** Who may decide one approval (what `view` says of it, without its details). */
  const decidersFor = (a: Approval): Deciders => {
    const run = store.runs.get(a.run_id);
    const plan = run ? store.plans.get(run.plan_id, run.plan_version)?.plan : undefined;
    const spec =
      plan?.tasks.find((t) => t.task_id === a.task_id) ??
      (run ? store.runs.addedSpecs(a.run_id).find((t) => t.task_id === a.task_id) : undefined);
    return decidersOf(spec, plan);
  };
  return { view, one: (a: Approval): ApprovalView => view([a])[0]!, previousOf, decidersFor };
}

/**
 * Whether the caller may decide this approval: only people decide (never a worker or an agent's
 * attempt), and only those its deciders name (`mayDecide`, the one rule every view shows).
 */
function assertMayDecide(
  store: CodingStore,
  decidersFor: (a: Approval) => Deciders,
  approvalId: string,
  call: CallContext,
): void {
  if (call.via === 'worker' || call.via === 'attempt')
    throw new AppError('forbidden', 'only people decide approvals; an agent or a worker cannot');
  const a = store.approvals.get(approvalId);
  if (!a) return;
  const may = mayDecide(decidersFor(a), { name: call.person?.name ?? null, role: call.role });
  if (!may.ok) throw new AppError('forbidden', `${call.person?.name ?? 'you'}: ${may.why}`);
}

export function approvalHandlers({ store, engine, coding, handed }: AppContext): ApprovalHandlers {
  const { view, previousOf, decidersFor } = approvalViews(store);
  return {
    'approvals.list': ({ status, limit, run_id }) => {
      if (run_id) {
        const of = store.approvals
          .listForRun(run_id)
          .filter(
            (a) => status === undefined || (status === 'decided' ? isDecided(a.status) : a.status === status),
          );
        return view(limit === undefined ? of : of.slice(0, limit));
      }
      return view(
        status === 'decided' ? store.approvals.decided(limit) : store.approvals.list(status, limit),
      );
    },
    'approvals.pickCandidate': async (input, call) => {
      assertMayDecide(store, decidersFor, input.approval_id, call);
      // Best of N's pick (and its git work) is loaded at a reviewer's first pick, not at the app's start.
      const { pickCandidate } = await import('../agents/coding/best-of/pick.ts');
      await pickCandidate(
        {
          store,
          replaceOutput: (run, task, output, actor, why) =>
            engine.replaceWaitingOutput(run, task, output, actor, why),
        },
        input,
      );
      return view([store.approvals.get(input.approval_id)!])[0]!;
    },
    'approvals.diffSinceReview': async ({ approval_id }) => {
      const a = store.approvals.get(approval_id);
      if (!a) throw new AppError('not_found', `approval "${approval_id}" not found`);
      if (a.kind !== 'diff_review')
        throw invalidInput(`approval "${approval_id}" is of kind ${a.kind}, not a diff review`, [
          { path: 'approval_id', message: 'must name a diff review' },
        ]);
      const now = store.diffReviews.get(a.id);
      const previous = previousOf(a);
      if (!now || !previous)
        throw new AppError(
          'not_found',
          `the diff review "${approval_id}" of task "${a.task_id}" has no earlier review to compare with`,
        );
      const ws = coding.store.workspaces.get(now.workspace_id);
      if (!ws)
        throw new AppError(
          'not_found',
          `workspace "${now.workspace_id}" of task "${a.task_id}" is no longer registered`,
        );
      const d = await diffCommits({
        repo: ws.path,
        base: previous.commit,
        head: now.commit,
        maxPatchBytes: INTERDIFF_BYTES,
      });
      return {
        from: d.base,
        to: d.head,
        files: d.files.map((f) => ({
          path: f.path,
          ...(f.oldPath ? { old_path: f.oldPath } : {}),
          status: f.status,
          additions: f.additions,
          deletions: f.deletions,
        })),
        additions: d.additions,
        deletions: d.deletions,
        patch: d.patch,
        truncated: d.truncatedNote !== null,
      };
    },
    'approvals.decide': ({ approval_id, decision, actor, comment, line_comments, input, scope }, call) => {
      assertMayDecide(store, decidersFor, approval_id, call);
      const caller = { name: call.person?.name ?? null, role: call.role };
      if (decision !== 'request_changes') {
        if (line_comments !== undefined)
          throw invalidInput('line comments go with a request for changes', [
            { path: 'line_comments', message: 'only with decision "request_changes"' },
          ]);
        if (input !== undefined) checkEditedArguments(store, approval_id, input);
        // "Always for this agent" sets the agent's policy, in every task (an admin's right, as the
        // agent's own settings are); what it answers now is only what this person may decide.
        if (scope === 'agent' && decision === 'approve' && !roleAtLeast(call.role, 'admin'))
          throw new AppError(
            'forbidden',
            `allowing a tool always for an agent changes that agent's policy, in every task: an admin's right, and ${call.person?.name ?? 'you'} ${call.person ? 'is' : 'are'} a ${call.role}; allow it for this task instead`,
            { field: 'scope' },
          );
        return handed.decide({
          approval_id,
          approve: decision === 'approve',
          actor,
          comment,
          changes: null,
          input,
          scope,
          caller,
        });
      }
      if (scope !== undefined)
        throw invalidInput('a scope goes with an approval', [
          { path: 'scope', message: 'not with decision "request_changes"' },
        ]);
      if (input !== undefined)
        throw invalidInput('edited arguments go with an approval', [
          { path: 'input', message: 'not with decision "request_changes"' },
        ]);
      if (!comment?.trim())
        throw invalidInput('a request for changes says what to change', [
          { path: 'comment', message: 'required with decision "request_changes"' },
        ]);
      return handed.decide({
        approval_id,
        approve: false,
        actor,
        comment,
        changes: { actor, comment, line_comments: line_comments ?? [] },
        caller,
      });
    },
  };
}

/**
 * Decides an approval in this process, as its caller may: a grant answers the same tool's other
 * calls waiting only where the caller may decide them too (`HandedAnswers` hands it on when
 * another process executes the run).
 */
export function decideWith(
  store: CodingStore,
  engine: Engine,
  decidersFor: (a: Approval) => Deciders,
): (d: Decision) => Approval {
  return (d) =>
    engine.decideApproval(d.approval_id, d.approve, d.actor, d.comment, d.changes, d.input, d.scope, (id) => {
      const other = store.approvals.get(id);
      return other !== undefined && mayDecide(decidersFor(other), d.caller).ok;
    });
}

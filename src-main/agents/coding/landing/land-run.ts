import type { LandMode, LandRequest } from '../../../../src-shared/schemas/landing.ts';
import { isCodingOutput } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { Plan, TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import type { CodingOutput, Workspace } from '../../../../src-shared/schemas/workspace.ts';
import type { PullState } from '../../../forges/index.ts';
import { forgeClient, gitUserOf, LandingError } from '../../../forges/index.ts';
import type { LandingAsked, StoredLanding } from '../repos/landings-repo.ts';
import { branchTip, mergeBranches } from '../workspaces/index.ts';
import type { LandingDeps } from './landing-deps.ts';
import { landingChanged, secretsToScan } from './landing-deps.ts';
import type { PrTask } from './pr-text.ts';
import { prText } from './pr-text.ts';
import { pushBranch } from './push.ts';

/** A landing's states once its pull request is open: followed from then on, never failed over. */
const FOLLOWED = new Set(['open', 'fixing', 'merged', 'closed']);

/** One branch to land: a task's final branch, or the run's merged branch (`task_id` null). */
interface Target {
  task_id: string | null;
  workspace: Workspace;
  branch: string;
  commit: string;
  tasks: PrTask[];
}

/** The run's branch, where `land_branches: "run"` merges its final branches (`baton/<run>/<task>` holds the tasks'). */
export const runBranch = (runId: string) => `baton/merge/${runId}`;

/** The done coding tasks' final branches (those no other done task built on), by workspace. */
function finalBranches(deps: LandingDeps, runId: string, plan: Plan) {
  const { store } = deps;
  const specs: TaskSpec[] = [...plan.tasks, ...store.runs.addedSpecs(runId)];
  const tasks = new Map(store.runs.tasks(runId).map((t) => [t.task_id, t]));
  const done = new Map<string, { out: CodingOutput; task: PrTask }>();
  for (const spec of specs) {
    const t = tasks.get(spec.task_id);
    if (t?.status !== 'done' || !isCodingOutput(t.output)) continue;
    const out = t.output;
    done.set(spec.task_id, {
      out,
      task: {
        task_id: spec.task_id,
        description: spec.description,
        agent_id: t.agent_id,
        cost: t.cost,
        cost_unknown: t.cost_unknown,
        files: out.files.length,
        additions: out.additions,
        deletions: out.deletions,
      },
    });
  }
  const builtOn = new Set<string>();
  for (const spec of specs)
    if (done.has(spec.task_id)) for (const d of spec.depends_on) if (done.has(d)) builtOn.add(d);
  return [...done].filter(([id]) => !builtOn.has(id)).map(([task_id, v]) => ({ task_id, ...v }));
}

/** What lands of a run: each final branch, or per workspace the final branches merged into the run's branch. */
async function targetsOf(deps: LandingDeps, runId: string, plan: Plan): Promise<Target[]> {
  const finals = finalBranches(deps, runId, plan);
  const workspace = (id: string) => {
    const w = deps.store.workspaces.get(id);
    if (!w) throw new LandingError('forge', `workspace "${id}" is not registered any more`);
    return w;
  };
  if ((plan.land_branches ?? 'tasks') === 'tasks')
    return finals.map((f) => ({
      task_id: f.task_id,
      workspace: workspace(f.out.workspace_id),
      branch: f.out.branch,
      commit: f.out.commit,
      tasks: [f.task],
    }));
  const byWorkspace = new Map<string, typeof finals>();
  for (const f of finals)
    byWorkspace.set(f.out.workspace_id, [...(byWorkspace.get(f.out.workspace_id) ?? []), f]);
  const out: Target[] = [];
  for (const [id, list] of byWorkspace) {
    const w = workspace(id);
    const branch = runBranch(runId);
    let commit = await branchTip({ repo: w.path, branch });
    if (commit === null) {
      const merged = await mergeBranches({
        repo: w.path,
        target: branch,
        createFrom: w.base_branch,
        branches: list.map((f) => f.out.branch),
        mode: 'merge',
      });
      if (!merged.ok)
        throw new LandingError(
          'refused',
          `the run's branches do not merge into ${branch}: ${merged.conflict.branch} conflicts in ${merged.conflict.files.join(', ')}`,
        );
      commit = merged.after;
    }
    out.push({ task_id: null, workspace: w, branch, commit, tasks: list.map((f) => f.task) });
  }
  return out;
}

/** One done coding task's own branch, landed on a person's request (whether or not another task built on it). */
function taskTarget(deps: LandingDeps, runId: string, plan: Plan, taskId: string): Target {
  const { store } = deps;
  const t = store.runs.tasks(runId).find((x) => x.task_id === taskId);
  if (!t) throw new LandingError('refused', `run "${runId}" has no task "${taskId}"`);
  if (t.status !== 'done' || !isCodingOutput(t.output))
    throw new LandingError(
      'refused',
      t.status !== 'done'
        ? `task "${taskId}" is ${t.status.replaceAll('_', ' ')}: only a done task's work lands`
        : `task "${taskId}" did no coding work: it has no branch to land`,
    );
  const out = t.output;
  const w = store.workspaces.get(out.workspace_id);
  if (!w) throw new LandingError('forge', `workspace "${out.workspace_id}" is not registered any more`);
  const spec = [...plan.tasks, ...store.runs.addedSpecs(runId)].find((s) => s.task_id === taskId);
  return {
    task_id: taskId,
    workspace: w,
    branch: out.branch,
    commit: out.commit,
    tasks: [
      {
        task_id: taskId,
        description: spec?.description ?? taskId,
        agent_id: t.agent_id,
        cost: t.cost,
        cost_unknown: t.cost_unknown,
        files: out.files.length,
        additions: out.additions,
        deletions: out.deletions,
      },
    ],
  };
}

/** What a person asked for when they land a run or a task now (`runs.land` with `how`). */
export type LandAsked = Omit<LandRequest, 'run_id' | 'actor' | 'how'> & { how: Exclude<LandMode, 'none'> };

const askedOf = (a: LandAsked, actor: string | undefined): LandingAsked => ({
  ...(a.base !== undefined ? { base: a.base } : {}),
  ...(a.title !== undefined ? { title: a.title } : {}),
  ...(a.draft !== undefined ? { draft: a.draft } : {}),
  ...(actor !== undefined ? { actor } : {}),
});

/** A landing taken up again (cut short by a stop) as it was asked: by a person, or as its plan says (null). */
export const askedAgain = (l: StoredLanding): LandAsked | null =>
  l.asked
    ? {
        how: l.mode,
        ...(l.task_id !== null ? { task_id: l.task_id } : {}),
        ...(l.asked.base !== undefined ? { base: l.asked.base } : {}),
        ...(l.asked.title !== undefined ? { title: l.asked.title } : {}),
        ...(l.asked.draft !== undefined ? { draft: l.asked.draft } : {}),
      }
    : null;

/**
 * Lands a run's work as its plan says (`land`), or as a person asks (`asked`: push or a pull
 * request, of the run or one done task, whatever the plan says): pushes each branch to its
 * workspace's remote and, for `pull_request`, opens a pull request on its forge (or takes up the
 * open one from that branch). Each branch's landing is recorded before anything is pushed, so a
 * landing cut short is taken up again; one already pushed, open or merged is never done twice (a
 * branch pushed only is proposed as a pull request when one is asked for). A failure (no remote,
 * a token refused, a push refused) is recorded on its landing, said in words.
 */
export async function landRun(
  deps: LandingDeps,
  runId: string,
  asked?: LandAsked,
  actor?: string,
): Promise<StoredLanding[]> {
  const { store } = deps;
  const run = store.runs.get(runId);
  if (!run) throw new LandingError('forge', `run "${runId}" not found`);
  const plan = store.plans.get(run.plan_id, run.plan_version)?.plan;
  const mode = asked?.how ?? plan?.land ?? 'none';
  // A pull request's fix round lands through that pull request's landing (pr-fix.ts), not on its own.
  if (!plan || mode === 'none' || store.landings.fixedIn(runId)) return store.landings.forRun(runId);
  let targets: Target[];
  try {
    targets =
      asked?.task_id !== undefined
        ? [taskTarget(deps, runId, plan, asked.task_id)]
        : await targetsOf(deps, runId, plan);
  } catch (err) {
    deps.log(err, `landing run ${runId}`);
    throw err;
  }
  for (const t of targets) {
    store.landings.start(
      {
        run_id: runId,
        task_id: t.task_id,
        workspace_id: t.workspace.id,
        mode,
        branch: t.branch,
        commit: t.commit,
      },
      deps.now(),
    );
    const stored = store.landings.get(runId, t.task_id);
    // Open, being fixed (its branch holds the fix rounds' commits since), merged or closed: landed already.
    if (!stored || FOLLOWED.has(stored.state)) continue;
    // A person's request is kept with it (a landing cut short is taken up as asked); a branch
    // pushed only (or not landed) goes on as a pull request when a person asks for one.
    let rec = stored;
    if (asked) {
      rec = { ...stored, mode, asked: askedOf(asked, actor) };
      store.landings.save(rec);
    }
    if (rec.state === 'pushed' && rec.mode === 'push' && rec.pushed_commit === t.commit) continue;
    await landOne(deps, { ...rec, commit: t.commit }, plan, t.tasks, asked);
  }
  return store.landings.forRun(runId);
}

async function landOne(
  deps: LandingDeps,
  rec: StoredLanding,
  plan: Plan,
  tasks: PrTask[],
  asked: LandAsked | undefined,
) {
  const { store } = deps;
  const w = store.workspaces.get(rec.workspace_id);
  const fail = (message: string) => {
    // Another landing of the branch (a second click, `baton land` in another process) may have
    // opened its pull request meanwhile: what it recorded stands over this one's failure.
    const now = store.landings.get(rec.run_id, rec.task_id);
    if (now && now.pr_number !== null && FOLLOWED.has(now.state)) return now;
    return landingChanged(deps, { ...rec, state: 'failed', message }, rec.state);
  };
  const remote = w?.remote;
  if (!w || !remote)
    return fail(
      `workspace "${rec.workspace_id}" has no remote: add one on the Workspaces screen, then land again`,
    );
  if (rec.mode === 'pull_request' && !remote.forge)
    return fail(
      `workspace "${w.id}" has no forge: a pull request needs one (its remote, on the Workspaces screen)`,
    );
  const tokenName = remote.forge?.token_secret;
  const token = tokenName ? deps.secrets.get(tokenName) : undefined;
  if (tokenName && !token)
    return fail(`the secret "${tokenName}" (the forge token of workspace "${w.id}") is not set`);
  try {
    const pushed = await pushBranch({
      repo: w.path,
      commit: rec.commit,
      url: remote.url,
      branch: rec.branch,
      token,
      user: gitUserOf(remote.forge?.kind),
      tokenName,
      pushedBefore: rec.pushed_commit,
      secrets: secretsToScan(deps, remote.base_branch ?? w.base_branch),
    });
    let next = landingChanged(
      deps,
      {
        ...rec,
        pushed_commit: rec.commit,
        state: 'pushed',
        message:
          pushed.outcome === 'already'
            ? `${rec.branch} was on ${remote.url} already`
            : `pushed ${rec.branch} to ${remote.url}`,
      },
      rec.state,
    );
    if (rec.mode === 'push' || !remote.forge || !token || !tokenName) return next;
    const forge = await forgeClient(remote.forge, token);
    const run = store.runs.get(rec.run_id);
    const text = prText({
      plan: { plan_id: plan.plan_id, name: plan.name, goal: plan.goal },
      run_id: rec.run_id,
      tasks,
      run_cost: (run ? store.runs.tasks(rec.run_id) : []).reduce((sum, t) => sum + t.cost, 0),
      run_cost_unknown: (run ? store.runs.tasks(rec.run_id) : []).reduce((sum, t) => sum + t.cost_unknown, 0),
      run_url: deps.runUrl?.(rec.run_id) ?? null,
      closes: deps.issueOf?.(rec.run_id) ?? null,
      repo: remote.forge.repo,
    });
    const open = () =>
      forge.open({
        ...text,
        ...(asked?.title ? { title: asked.title } : {}),
        head: rec.branch,
        base: asked?.base ?? remote.base_branch ?? w.base_branch,
        draft: asked?.draft ?? plan.pull_request?.draft_until_checks === true,
        labels: plan.pull_request?.labels ?? [],
        reviewers: plan.pull_request?.reviewers ?? [],
      });
    const pr: PullState & { unmet?: string[] } =
      (await forge.openFrom(rec.branch)) ??
      (await open().catch(async (err: unknown) => {
        // Refused because one is open from the branch now (another landing of it opened it
        // between the look and this call): that one is taken up.
        const opened = await forge.openFrom(rec.branch).catch(() => null);
        if (opened) return opened;
        throw err;
      }));
    const unmet = pr.unmet?.length ? ` (${pr.unmet.join('; ')})` : '';
    next = landingChanged(
      deps,
      {
        ...next,
        state: 'open',
        pr_number: pr.number,
        pr_url: pr.url,
        pr_draft: pr.draft,
        message: `opened pull request #${pr.number}${pr.draft ? ' as a draft' : ''}: ${pr.url}${unmet}`,
        polls: 0,
        next_poll_at: deps.clock() + deps.follow.firstMs,
      },
      next.state,
    );
    return next;
  } catch (err) {
    if (err instanceof LandingError) return fail(err.message);
    deps.log(err, `landing ${rec.branch}`);
    return fail(`landing ${rec.branch} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

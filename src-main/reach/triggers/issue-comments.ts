import type { Landing } from '../../../src-shared/schemas/landing.ts';
import type { Run } from '../../../src-shared/schemas/run.ts';
import type { ErrorLog } from '../../base/log-line.ts';
import type { EventBus } from '../../events/event-bus.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { WatchedForge } from './issue-watch.ts';
import type { TriggersRepo } from './repo.ts';

export interface IssueCommentsOptions {
  repo: TriggersRepo;
  bus: EventBus;
  secrets: SecretResolver;
  now: () => number;
  forgeOf: (workspaceId: string) => WatchedForge | string;
  run: (runId: string) => Run | undefined;
  /** A run's landings (its pull requests), none for a run that lands nothing. */
  landingsOf: (runId: string) => readonly Landing[];
  log?: ErrorLog | undefined;
}

/** A milestone of a run, and what its comment says. */
export interface Milestone {
  key: string;
  body: string;
}

const ENDED = new Set(['failed', 'cancelled']);

/**
 * The milestones a run has reached, in the order they come: started; each pull request opened
 * (with its link); each merged, or closed unmerged; the run failed or cancelled, or a landing failed.
 */
export function milestonesOf(run: Run, landings: readonly Landing[]): Milestone[] {
  const out: Milestone[] = [
    { key: 'started', body: `Baton started run \`${run.id}\` of plan "${run.plan_id}" for this issue.` },
  ];
  for (const l of landings) {
    if (l.pr_number === null) continue;
    const pr = `#${l.pr_number}`;
    out.push({
      key: `pr:${l.pr_number}`,
      body: `Baton opened pull request ${pr} for this issue (run \`${run.id}\`): ${l.pr_url ?? pr}`,
    });
    if (l.state === 'merged')
      out.push({
        key: `merged:${l.pr_number}`,
        body: `Pull request ${pr} was merged${l.merge_commit ? ` as ${l.merge_commit.slice(0, 12)}` : ''}.`,
      });
    if (l.state === 'closed' || l.state === 'gone')
      out.push({
        key: `closed:${l.pr_number}`,
        body: `Pull request ${pr} was ${l.state === 'gone' ? 'deleted' : 'closed without being merged'}; Baton does not go on with it.`,
      });
  }
  if (ENDED.has(run.status))
    out.push({ key: 'failed', body: `Run \`${run.id}\` ended ${run.status}: nothing more comes of it.` });
  const failed = landings.find((l) => l.state === 'failed');
  if (failed)
    out.push({
      key: 'landing-failed',
      body: `Run \`${run.id}\` completed, but its work could not be landed: ${failed.message ?? 'no reason given'}.`,
    });
  return out;
}

/**
 * Comments on the issue that started a run (a `github_issues` trigger with `comment_on_issue`)
 * at the run's milestones (`milestonesOf`). Each comment is recorded once posted and carries a
 * hidden marker GitHub keeps: a restart between the post and its record finds the marker and
 * posts nothing twice. Looked at when the run or its landings change, and for every commenting
 * trigger's runs when Baton starts; a post GitHub refuses is said in the log and tried again at
 * the run's next change or start.
 */
export class IssueComments {
  private readonly o: IssueCommentsOptions;
  private unsubscribe: (() => void) | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(o: IssueCommentsOptions) {
    this.o = o;
  }

  start(): void {
    if (this.unsubscribe || this.closed) return;
    this.unsubscribe = this.o.bus.subscribe(
      (batch) => {
        for (const e of batch) {
          if (e.name === 'run.updated') this.look(e.payload.id);
          else if (e.name === 'landing.updated') this.look(e.payload.run_id);
        }
      },
      ['run.updated', 'landing.updated'],
    );
    for (const t of this.o.repo.ofKind('github_issues'))
      if (t.source?.comment_on_issue === true)
        for (const i of this.o.repo.issues(t.id).slice(0, 50)) this.look(i.run_id);
  }

  /** Resolves once the comments asked for so far are posted (or failed). */
  async settled(): Promise<void> {
    await this.chain.catch(() => undefined);
  }

  stop(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** The run's issue told of its milestones not told yet, in the background, one run after another. */
  look(runId: string): void {
    if (this.closed) return;
    const issue = this.o.repo.issueOfRun(runId);
    if (!issue) return;
    const source = this.o.repo.get(issue.trigger_id)?.source;
    if (source?.comment_on_issue !== true) return;
    this.chain = this.chain
      .catch(() => undefined)
      .then(() => this.tell(runId, issue.repo, issue.number, source.workspace))
      .catch((err: unknown) => {
        if (!this.closed) this.o.log?.(err, `commenting on issue #${issue.number} of ${issue.repo}`);
      });
  }

  private async tell(runId: string, repo: string, number: number, workspace: string): Promise<void> {
    if (this.closed) return;
    const run = this.o.run(runId);
    const forge = this.o.forgeOf(workspace);
    if (!run || typeof forge === 'string') return;
    const token = this.o.secrets.get(forge.token_secret);
    if (!token) return;
    const told = this.o.repo.commented(runId);
    for (const m of milestonesOf(run, this.o.landingsOf(runId))) {
      if (told.has(m.key)) continue;
      await forge.issues.commentOnce({
        apiUrl: forge.api_url,
        repo,
        token,
        number,
        marker: `<!-- baton:issue-milestone ${runId} ${m.key} -->`,
        body: m.body,
      });
      if (this.closed) return;
      this.o.repo.addComment(runId, m.key, new Date(this.o.now()).toISOString());
    }
  }
}

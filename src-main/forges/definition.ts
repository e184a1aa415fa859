import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ForgeKind } from '../../src-shared/schemas/plain/forge.ts';
import type { Workspace } from '../../src-shared/schemas/workspace.ts';
import type { RequestTarget } from '../http/request-target.ts';

/**
 * A forge Baton lands work on: one folder here (`github/`, `gitlab/`, `gitea/`) whose `index.ts`
 * defines it, one line in the table (`index.ts`, `FORGES`), which is mapped over `ForgeKind`, so
 * the compiler asks for every part of a new forge. The landing and the triggers read a forge only
 * through this.
 */
export interface ForgeDefinition<K extends ForgeKind = ForgeKind> {
  readonly kind: K;
  /** The client for one repository and token; its library is loaded at the first call, not at Baton's start. */
  client(opts: ForgeClientOptions): Promise<ForgeClient>;
  /** Its webhooks, `POST /api/forge/<kind>/<workspace>`: each delivery checked, the pull requests it is about made due for a poll. */
  webhook(desk: HookDesk): HookRoute;
  /** The basic-auth user git sends the forge's token with over HTTPS. */
  gitUser: string;
  /** What the landing does on this forge and not on every one. */
  supports: {
    /**
     * A pull request it says is `behind` (it merges, but the base's branch protection wants it up
     * to date first) is brought up to date by Baton's rebase. GitHub's; on the others `behind`
     * says only that the base moved, and nothing is asked.
     */
    updateWhenBehind: boolean;
  };
  /** Its issues as a `github_issues` trigger reads and comments on them, or null: it has none Baton reads. */
  issues: IssueSource | null;
}

/** What a forge's client is made for: one repository (`owner/name`) at `apiUrl`, one token, its secret's name said in errors. */
export interface ForgeClientOptions {
  apiUrl: string;
  repo: string;
  token: string;
  tokenName: string;
}

/** A pull request as Baton follows it. */
export interface PullState {
  number: number;
  url: string;
  node_id: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  merge_commit: string | null;
  head_sha: string;
  /** The branch it targets, and that branch's commit as GitHub read it. */
  base: string;
  base_sha: string;
  /**
   * Whether it merges into its base: false when they conflict; null while GitHub computes it
   * (after a push to either branch), to be read again later.
   */
  mergeable: boolean | null;
  /** GitHub's word for it: `dirty` (conflicts), `behind` (the base moved, no conflict), `clean`, `blocked`, `unstable`, `unknown`… */
  mergeable_state: string;
}

export interface OpenPull {
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  labels: readonly string[];
  reviewers: readonly string[];
}

/** A pull request just opened, and what was asked with it and not done, in words (empty: all was). */
export interface OpenedPull extends PullState {
  unmet: string[];
}

/** What Baton asks of a forge (GitHub, GitLab, Gitea/Forgejo) about one repository. */
export interface ForgeClient {
  /** The forge's name as Baton says it in messages (`GitHub`, `GitLab`…). */
  readonly label: string;
  /** The open pull request from `head`, if there is one (so a landing started again opens none twice). */
  openFrom(head: string): Promise<PullState | null>;
  /**
   * Opens a pull request. Labels and reviewers are asked for after it exists where the forge
   * asks so (GitHub, Gitea): one refused (a reviewer who is no collaborator) leaves it open, said
   * in `unmet`, rather than failing a landing whose pull request exists.
   */
  open(p: OpenPull): Promise<OpenedPull>;
  /** The pull request, or null when GitHub answers 404 (deleted, or the repository moved). */
  get(number: number): Promise<PullState | null>;
  readyForReview(p: PullState): Promise<void>;
  /** The checks on a commit (on GitHub its check runs and commit statuses): none, all passed, some failed (their names and what they said), or some still running. */
  checks(sha: string): Promise<ChecksSeen>;
  /** The pull request's reviews, oldest first, each with its comments on lines. */
  reviews(number: number): Promise<ReviewSeen[]>;
  /** The bodies of the comments on the pull request's conversation. */
  comments(number: number): Promise<string[]>;
  comment(number: number, body: string): Promise<void>;
}

/** What the checks on a commit said. */
export interface ChecksSeen {
  total: number;
  /** The failed ones' names. */
  failed: string[];
  /** The failed ones with what they said (their output's title, summary and text, cut short). */
  failures: { name: string; conclusion: string; output: string }[];
  pending: number;
}

/** A review of a pull request, with its comments on lines. */
export interface ReviewSeen {
  id: number;
  state: string;
  user: string;
  body: string;
  commit_id: string | null;
  comments: { path: string; line: number; body: string }[];
}

/** A route of the host: the request, its answer, its parsed target. */
export type HookRoute = (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>;

/** A pull request Baton follows, as a webhook picks it: its number (null before it is opened) and branch. */
export interface FollowedPull {
  pr_number: number | null;
  branch: string;
}

/**
 * What a forge's webhook route is handed by the landing: the workspaces and secrets its deliveries
 * are checked against, and the pull requests Baton follows, which a delivery makes due for a poll.
 */
export interface HookDesk {
  workspace(id: string): Workspace | undefined;
  secret(name: string): string | undefined;
  /** The workspace's open pull requests that `which` picks made due for a poll now: how many. */
  due(workspaceId: string, which: (pull: FollowedPull) => boolean): number;
  /** Polls the pull requests that are due. */
  pollNow(): Promise<void>;
  /** A workspace's issues changed on its forge: its issue triggers read them now (how many runs that started). */
  issuesDelivered?: ((workspaceId: string) => Promise<number>) | undefined;
  log(err: unknown, doing: string): void;
}

/** An open issue as a `github_issues` trigger reads it. */
export interface OpenIssue {
  number: number;
  title: string;
  body: string;
  url: string;
}

/** A forge's issues as triggers read them and comment on them. */
export interface IssueSource {
  /**
   * The open issues of `repo` carrying `label` (pull requests left out); a look that fails in a way
   * a person acts on (a token refused, lacking rights, a repository not found) is an `IssuesError`.
   */
  openLabelled(opts: LabelledIssues): Promise<OpenIssue[]>;
  /** Comments `body` on an issue unless one of its comments holds `marker` already: true when it posted. */
  commentOnce(opts: IssueComment): Promise<boolean>;
}

/** The open issues with a label a trigger looks for: in `repo` at `apiUrl`, with a token (its secret's name said in errors). */
export interface LabelledIssues {
  apiUrl: string;
  repo: string;
  token: string;
  tokenName: string;
  label: string;
}

/** A comment on issue `number` of `repo`, posted once: `marker` in it tells it was. */
export interface IssueComment {
  apiUrl: string;
  repo: string;
  token: string;
  number: number;
  marker: string;
  body: string;
}

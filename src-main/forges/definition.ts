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

/** What Baton asks of a forge (GitHub, GitLab, Gitea/Forgejo) about one repository. */
export interface ForgeClient {
  /** The forge's name as Baton says it in messages (`GitHub`, `GitLab`…). */
  readonly label: string;
  /** The open pull request from `head`, if there is one (so a landing started again opens none twice). */
  openFrom(head: string): Promise<PullState | null>;
  open(p: OpenPull): Promise<PullState>;
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

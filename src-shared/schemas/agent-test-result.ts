/** What `agents.test` answers: one run of a command agent's program with a sample task. */
export interface AgentTestResult {
  agent_id: string;
  /** The program as the agent names it. */
  command: string;
  /** Started, exited 0 within the time limit, and reported no `::error`. */
  ok: boolean;
  /** The program started (false: not found, not executable, a secret not set). */
  started: boolean;
  exit_code: number | null;
  /** The signal that ended it, if one did (a timeout stops it with SIGTERM). */
  signal: string | null;
  timed_out: boolean;
  /** The time limit the test ran under, in seconds. */
  timeout_s: number;
  duration_ms: number;
  /** Why it is not ok, in a person's words: null when it is. */
  error: string | null;
  /** What `::result` reported (parsed JSON), or null. */
  result: unknown;
  /** The first lines it printed, stdout and stderr as they came, each cut at a readable length. */
  output: { stream: 'stdout' | 'stderr'; text: string }[];
  /** Lines printed past those kept in `output`. */
  more_lines: number;
  /** Files it left in its workspace (artifacts in a real task). */
  files: string[];
  /** The sample task it was given. */
  task: { task_id: string; description: string };
}

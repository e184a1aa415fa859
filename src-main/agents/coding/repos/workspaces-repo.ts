import type { WorkspaceCheck } from '../../../../src-shared/schemas/checks.ts';
import type { WorkspaceRemote } from '../../../../src-shared/schemas/forge.ts';
import type { Approvers } from '../../../../src-shared/schemas/people.ts';
import type { ProtectedName } from '../../../../src-shared/schemas/protected-paths.ts';
import type { SandboxPolicy } from '../../../../src-shared/schemas/sandbox.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import type { Db } from '../../../store/db.ts';

interface WorkspaceRow {
  id: string;
  path: string;
  base_branch: string;
  setup_command: string | null;
  env: string;
  keep_ignored: string;
  sandbox: string | null;
  allow_protected_writes: string;
  checks: string;
  remote: string | null;
  approvers: string | null;
  forward_ports: number;
  created_at: string;
}

const toWorkspace = (r: WorkspaceRow): Workspace => ({
  id: r.id,
  path: r.path,
  base_branch: r.base_branch,
  setup_command: r.setup_command === null ? null : (JSON.parse(r.setup_command) as string[]),
  env: JSON.parse(r.env) as Workspace['env'],
  keep_ignored: JSON.parse(r.keep_ignored) as string[],
  sandbox: r.sandbox === null ? null : (JSON.parse(r.sandbox) as SandboxPolicy),
  allow_protected_writes: JSON.parse(r.allow_protected_writes) as ProtectedName[],
  checks: JSON.parse(r.checks) as WorkspaceCheck[],
  remote: r.remote === null ? null : (JSON.parse(r.remote) as WorkspaceRemote),
  ...(r.approvers === null ? {} : { approvers: JSON.parse(r.approvers) as Approvers }),
  forward_ports: r.forward_ports === 1,
  created_at: r.created_at,
});

/** The git repositories people registered as workspaces. */
export function createWorkspacesRepo(db: Db) {
  const list = db.prepare<[], WorkspaceRow>('SELECT * FROM workspaces ORDER BY id');
  const get = db.prepare<[string], WorkspaceRow>('SELECT * FROM workspaces WHERE id = ?');
  const insert =
    db.prepare(`INSERT INTO workspaces (id, path, base_branch, setup_command, env, keep_ignored, sandbox, allow_protected_writes, checks, remote, approvers, forward_ports, created_at)
    VALUES (@id, @path, @base_branch, @setup_command, @env, @keep_ignored, @sandbox, @allow_protected_writes, @checks, @remote, @approvers, @forward_ports, @created_at) ON CONFLICT(id) DO NOTHING`);
  const del = db.prepare('DELETE FROM workspaces WHERE id = ?');
  const setSandbox = db.prepare<[string | null, string]>('UPDATE workspaces SET sandbox = ? WHERE id = ?');
  const setChecks = db.prepare<[string, string]>('UPDATE workspaces SET checks = ? WHERE id = ?');
  const setAllowed = db.prepare<[string, string]>(
    'UPDATE workspaces SET allow_protected_writes = ? WHERE id = ?',
  );
  const setRemote = db.prepare<[string | null, string]>('UPDATE workspaces SET remote = ? WHERE id = ?');
  const setSetup = db.prepare<[string | null, string]>(
    'UPDATE workspaces SET setup_command = ? WHERE id = ?',
  );
  const setEnv = db.prepare<[string, string]>('UPDATE workspaces SET env = ? WHERE id = ?');
  const setKeep = db.prepare<[string, string]>('UPDATE workspaces SET keep_ignored = ? WHERE id = ?');
  const setApprovers = db.prepare<[string | null, string]>(
    'UPDATE workspaces SET approvers = ? WHERE id = ?',
  );
  const setForward = db.prepare<[number, string]>('UPDATE workspaces SET forward_ports = ? WHERE id = ?');
  return {
    list: (): Workspace[] => list.all().map(toWorkspace),
    get(id: string): Workspace | undefined {
      const row = get.get(id);
      return row && toWorkspace(row);
    },
    /** Adds a workspace unless its id is taken (one statement); true if added. */
    add: (w: Workspace): boolean =>
      insert.run({
        ...w,
        setup_command: w.setup_command === null ? null : JSON.stringify(w.setup_command),
        env: JSON.stringify(w.env),
        keep_ignored: JSON.stringify(w.keep_ignored),
        sandbox: w.sandbox === null ? null : JSON.stringify(w.sandbox),
        allow_protected_writes: JSON.stringify(w.allow_protected_writes ?? []),
        checks: JSON.stringify(w.checks),
        remote: w.remote ? JSON.stringify(w.remote) : null,
        approvers: w.approvers ? JSON.stringify(w.approvers) : null,
        forward_ports: w.forward_ports ? 1 : 0,
      }).changes > 0,
    /** Replaces a workspace's checks; true if it exists. */
    setChecks: (id: string, checks: WorkspaceCheck[]): boolean =>
      setChecks.run(JSON.stringify(checks), id).changes > 0,
    /** Replaces the protected paths a workspace's agents may write; true if it exists. */
    setAllowProtectedWrites: (id: string, names: readonly ProtectedName[]): boolean =>
      setAllowed.run(JSON.stringify(names), id).changes > 0,
    /** Replaces a workspace's sandbox policy (null: the default); true if it exists. */
    setSandbox: (id: string, policy: SandboxPolicy | null): boolean =>
      setSandbox.run(policy === null ? null : JSON.stringify(policy), id).changes > 0,
    /** Replaces where a workspace's work lands (null: nowhere); true if it exists. */
    setRemote: (id: string, remote: WorkspaceRemote | null): boolean =>
      setRemote.run(remote === null ? null : JSON.stringify(remote), id).changes > 0,
    /** Replaces a workspace's setup command (null: none); true if it exists. */
    setSetup: (id: string, argv: string[] | null): boolean =>
      setSetup.run(argv === null ? null : JSON.stringify(argv), id).changes > 0,
    /** Replaces the environment given to its setup command, checks and agents; true if it exists. */
    setEnv: (id: string, env: Workspace['env']): boolean => setEnv.run(JSON.stringify(env), id).changes > 0,
    /** Replaces the ignored paths a pooled worktree keeps between attempts; true if it exists. */
    setKeepIgnored: (id: string, patterns: readonly string[]): boolean =>
      setKeep.run(JSON.stringify(patterns), id).changes > 0,
    /** Replaces who may decide the approvals of work in it (null: as the plan says); true if it exists. */
    setApprovers: (id: string, approvers: Approvers | null): boolean =>
      setApprovers.run(approvers === null ? null : JSON.stringify(approvers), id).changes > 0,
    /** Turns the forwarding of its agents' ports into their sandboxes on or off; true if it exists. */
    setForwardPorts: (id: string, on: boolean): boolean => setForward.run(on ? 1 : 0, id).changes > 0,
    remove: (id: string): boolean => del.run(id).changes > 0,
  };
}
export type WorkspacesRepo = ReturnType<typeof createWorkspacesRepo>;

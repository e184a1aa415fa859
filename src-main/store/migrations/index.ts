import * as m001 from './001_init.ts';
import * as m002 from './002_execution.ts';
import * as m003 from './003_lazy_search_index.ts';
import * as m004 from './004_added_tasks.ts';
import * as m005 from './005_task_attempts.ts';
import * as m006 from './006_coding.ts';
import * as m007 from './007_started_by.ts';
import * as m008 from './008_reach.ts';
import * as m009 from './009_tool_call_approvals.ts';
import * as m010 from './010_schedule_pending_starts.ts';
import * as m011 from './011_approval_line_comments.ts';
import * as m012 from './012_worker_tokens.ts';
import * as m013 from './013_merge_conflict_approvals.ts';
import * as m014 from './014_worker_bindings.ts';
import * as m015 from './015_keep_ignored.ts';
import * as m016 from './016_lease_renewed_at.ts';
import * as m017 from './017_diff_review_attempts.ts';
import * as m018 from './018_kept_work.ts';
import * as m019 from './019_workspace_sandbox.ts';
import * as m020 from './020_tool_call_schema.ts';
import * as m021 from './021_task_log_search.ts';
import * as m022 from './022_plan_archived.ts';
import * as m023 from './023_sandbox_hosts.ts';
import * as m024 from './024_workspace_checks.ts';
import * as m025 from './025_workspace_remote.ts';
import * as m026 from './026_landings.ts';
import * as m027 from './027_tool_grants.ts';
import * as m028 from './028_best_of_candidates.ts';
import * as m029 from './029_landing_fixes.ts';
import * as m030 from './030_issue_triggers.ts';
import * as m031 from './031_skill_records.ts';
import * as m032 from './032_issue_comments.ts';
import * as m033 from './033_unknown_spend.ts';
import * as m034 from './034_allow_protected_writes.ts';
import * as m035 from './035_audit_changes.ts';
import * as m036 from './036_landing_asked.ts';
import * as m037 from './037_candidate_fix_rounds.ts';
import * as m038 from './038_people.ts';
import * as m039 from './039_ask_limits.ts';
import * as m040 from './040_spend.ts';
import * as m041 from './041_off_desk.ts';
import * as m042 from './042_landing_pr_seen.ts';
import * as m043 from './043_agent_limits.ts';
import * as m044 from './044_project_daily_cap.ts';
import * as m045 from './045_worktree_ports.ts';
import * as m046 from './046_task_pauses.ts';
import * as m047 from './047_forward_ports.ts';
import * as m048 from './048_retired_names.ts';
import * as m049 from './049_session_page_keys.ts';
import * as m050 from './050_handed_answers.ts';

export interface Migration {
  version: number;
  name: string;
  up: string;
}

/** Every migration, in order. Add new ones at the end with the next number; never edit a shipped one. */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'init', up: m001.up },
  { version: 2, name: 'execution', up: m002.up },
  { version: 3, name: 'lazy_search_index', up: m003.up },
  { version: 4, name: 'added_tasks', up: m004.up },
  { version: 5, name: 'task_attempts', up: m005.up },
  { version: 6, name: 'coding', up: m006.up },
  { version: 7, name: 'started_by', up: m007.up },
  { version: 8, name: 'reach', up: m008.up },
  { version: 9, name: 'tool_call_approvals', up: m009.up },
  { version: 10, name: 'schedule_pending_starts', up: m010.up },
  { version: 11, name: 'approval_line_comments', up: m011.up },
  { version: 12, name: 'worker_tokens', up: m012.up },
  { version: 13, name: 'merge_conflict_approvals', up: m013.up },
  { version: 14, name: 'worker_bindings', up: m014.up },
  { version: 15, name: 'keep_ignored', up: m015.up },
  { version: 16, name: 'lease_renewed_at', up: m016.up },
  { version: 17, name: 'diff_review_attempts', up: m017.up },
  { version: 18, name: 'kept_work', up: m018.up },
  { version: 19, name: 'workspace_sandbox', up: m019.up },
  { version: 20, name: 'tool_call_schema', up: m020.up },
  { version: 21, name: 'task_log_search', up: m021.up },
  { version: 22, name: 'plan_archived', up: m022.up },
  { version: 23, name: 'sandbox_hosts', up: m023.up },
  { version: 24, name: 'workspace_checks', up: m024.up },
  { version: 25, name: 'workspace_remote', up: m025.up },
  { version: 26, name: 'landings', up: m026.up },
  { version: 27, name: 'tool_grants', up: m027.up },
  { version: 28, name: 'best_of_candidates', up: m028.up },
  { version: 29, name: 'landing_fixes', up: m029.up },
  { version: 30, name: 'issue_triggers', up: m030.up },
  { version: 31, name: 'skill_records', up: m031.up },
  { version: 32, name: 'issue_comments', up: m032.up },
  { version: 33, name: 'unknown_spend', up: m033.up },
  { version: 34, name: 'allow_protected_writes', up: m034.up },
  { version: 35, name: 'audit_changes', up: m035.up },
  { version: 36, name: 'landing_asked', up: m036.up },
  { version: 37, name: 'candidate_fix_rounds', up: m037.up },
  { version: 38, name: 'people', up: m038.up },
  { version: 39, name: 'ask_limits', up: m039.up },
  { version: 40, name: 'spend', up: m040.up },
  { version: 41, name: 'off_desk', up: m041.up },
  { version: 42, name: 'landing_pr_seen', up: m042.up },
  { version: 43, name: 'agent_limits', up: m043.up },
  { version: 44, name: 'project_daily_cap', up: m044.up },
  { version: 45, name: 'worktree_ports', up: m045.up },
  { version: 46, name: 'task_pauses', up: m046.up },
  { version: 47, name: 'forward_ports', up: m047.up },
  { version: 48, name: 'retired_names', up: m048.up },
  { version: 49, name: 'session_page_keys', up: m049.up },
  { version: 50, name: 'handed_answers', up: m050.up },
];

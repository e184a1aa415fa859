import type { AcpPart } from '../definition.ts';
import { personHome } from '../launch.ts';
import { writeCodexProvider } from './stream.ts';

/**
 * Codex through Zed's ACP adapter (`codex-acp`, npm `@zed-industries/codex-acp`, a native binary).
 * With a provider: the same codex home as the stream route's (`config.toml` naming a Responses
 * API provider, the model's catalog entry) in the task's home. In Baton's OS sandbox codex's own
 * sandbox is left off (it cannot nest one in Baton's); outside it codex keeps to its worktree.
 * With `tool_approvals: "inbox"` its approval policy is `untrusted` (it asks before any call but
 * known-safe reads), else `never`.
 */
export const codexAcp: AcpPart = {
  known: [
    {
      name: 'codex',
      title: "Codex (Zed's ACP adapter)",
      program: 'codex-acp',
      args: [],
      npmPackage: '@zed-industries/codex-acp',
      launch: 'codex',
    },
  ],
  callKeys: ['call_id', 'turn_id', 'started_at_ms'],
  async launch(input) {
    const { agent, provider } = input;
    let env: Record<string, string> = {};
    let home = personHome();
    const args = [
      '-c',
      `sandbox_mode="${input.sandboxed ? 'danger-full-access' : 'workspace-write'}"`,
      // Asked about every call but known-safe reads when a person approves them; else never asked.
      '-c',
      `approval_policy="${agent.tool_approvals === 'inbox' ? 'untrusted' : 'never'}"`,
    ];
    if (provider) {
      home = input.home;
      // The codex inside codex-acp is newer than the CLI's: its catalog entry needs these too.
      env = await writeCodexProvider(input, provider, {
        supports_reasoning_summaries: false,
        supports_parallel_tool_calls: false,
      });
    } else if (agent.model) {
      args.push('-c', `model=${JSON.stringify(agent.model)}`);
    }
    args.push(...agent.args);
    return { command: agent.executable ?? 'codex-acp', args, env, home };
  },
};

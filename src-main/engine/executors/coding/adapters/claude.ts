import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliAdapter } from './adapter.ts';
import { personHome } from './adapter.ts';

/**
 * Claude Code: `claude -p <prompt> --output-format stream-json --verbose`, permissions skipped
 * (headless, nobody to ask; as root only with IS_SANDBOX=1), `--resume <session_id>`, and its own
 * `--max-budget-usd` (checked after each model answer). With a provider: an Anthropic Messages
 * API root in ANTHROPIC_BASE_URL, config and sessions in the task's home, nonessential traffic
 * (event logging, the `/api/hello` probe) off.
 */
export const claudeAdapter: CliAdapter = {
  cli: 'claude',
  program: 'claude',
  nativeBudget: true,
  async invocation(input) {
    const { agent, provider } = input;
    const env: Record<string, string> = {};
    if (input.root) env.IS_SANDBOX = '1';
    let home = personHome();
    if (provider) {
      home = input.home;
      const config = join(input.home, 'claude');
      await mkdir(config, { recursive: true, mode: 0o700 });
      Object.assign(env, {
        CLAUDE_CONFIG_DIR: config,
        ANTHROPIC_BASE_URL: provider.base_url,
        ANTHROPIC_API_KEY: provider.api_key,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      });
    }
    const args = ['-p', input.prompt, '--output-format', 'stream-json', '--verbose'];
    if (agent.model) args.push('--model', agent.model);
    args.push('--dangerously-skip-permissions');
    if (input.resume) args.push('--resume', input.resume);
    if (input.maxCostUsd !== null) args.push('--max-budget-usd', String(input.maxCostUsd));
    args.push(...agent.args);
    return { command: agent.executable ?? 'claude', args, env, home };
  },
};

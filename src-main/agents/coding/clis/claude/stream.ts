import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfinedFolder } from '../../../../files/confined-folder.ts';
import type { Launch, LaunchInput } from '../definition.ts';
import { personHome, providerUrl } from '../launch.ts';

/**
 * Claude Code's `--mcp-config` naming Baton's MCP server `baton` over streamable HTTP with the
 * attempt's token. `timeout`: claude's per-server limit on one call (its default HTTP limits end a
 * silent wait at 60 s; the approve tool also sends progress every 10 s: test/mcp/README.md §4).
 */
export function batonMcpConfig(link: { url: string; token: string }) {
  return {
    mcpServers: {
      baton: {
        type: 'http',
        url: link.url,
        headers: { Authorization: `Bearer ${link.token}` },
        timeout: 86_400_000,
      },
    },
  };
}

/**
 * Claude Code's environment and HOME for a provider (its Anthropic Messages root, key, config and
 * sessions in the task's home, nonessential traffic off), or, on the person's own login, its calls
 * through Baton's metering endpoint: what the stream adapter and the ACP launch both start it with.
 */
export async function claudeProviderEnv(
  input: LaunchInput,
): Promise<{ env: Record<string, string>; home: string }> {
  const { provider } = input;
  const env: Record<string, string> = {};
  if (provider) {
    const config = join(input.home, 'claude');
    await mkdir(config, { recursive: true, mode: 0o700 });
    Object.assign(env, {
      CLAUDE_CONFIG_DIR: config,
      ANTHROPIC_BASE_URL: providerUrl(input, provider),
      ANTHROPIC_API_KEY: provider.api_key,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    });
    return { env, home: input.home };
  }
  // The person's own login, its calls through Baton's metering endpoint to claude's own server.
  if (input.modelUrl) env.ANTHROPIC_BASE_URL = input.modelUrl;
  return { env, home: personHome() };
}

/**
 * Claude Code: `claude -p <prompt> --output-format stream-json --verbose` (steered: `-p
 * --input-format stream-json`, the prompt and a person's messages on its open stdin), permissions skipped
 * (headless, nobody to ask; as root only with IS_SANDBOX=1, set in Baton's OS sandbox) — or, with `tool_approvals: "inbox"`,
 * asked of Baton's `approve` tool (`--permission-prompt-tool mcp__baton__approve` with Baton's
 * MCP server alone in `--mcp-config`, `--strict-mcp-config`), `--resume <session_id>`, and its own
 * `--max-budget-usd` (checked after each model answer). With a provider: an Anthropic Messages
 * API root in ANTHROPIC_BASE_URL, config and sessions in the task's home, nonessential traffic
 * (event logging, the `/api/hello` probe) off.
 */
export const claudeLaunch: Launch = async (input) => {
  const { agent } = input;
  const { env, home } = await claudeProviderEnv(input);
  // Steered: the prompt is the first message on stdin, which stays open for a person's.
  const args = input.steered
    ? ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose']
    : ['-p', input.prompt, '--output-format', 'stream-json', '--verbose'];
  if (agent.model) args.push('--model', agent.model);
  if (input.batonMcp) {
    // Each call claude would ask about goes to Baton's inbox: its MCP server `baton`, and only it.
    const config = join(input.tmp, 'baton-mcp.json');
    await mkdir(input.tmp, { recursive: true, mode: 0o700 });
    // The CLI may write its attempt's folder: what it left by that name (a link too) is replaced, not followed.
    await new ConfinedFolder(input.tmp).writeFile(
      'baton-mcp.json',
      `${JSON.stringify(batonMcpConfig(input.batonMcp), null, 2)}
`,
      { fresh: true, mode: 0o600 },
    );
    args.push(
      '--permission-prompt-tool',
      'mcp__baton__approve',
      '--mcp-config',
      config,
      '--strict-mcp-config',
    );
  } else {
    // As root claude skips its permission prompts only in a sandbox, which Baton's is.
    if (input.root || input.sandboxed) env.IS_SANDBOX = '1';
    args.push('--dangerously-skip-permissions');
  }
  if (input.resume) args.push('--resume', input.resume);
  if (input.maxCostUsd !== null) args.push('--max-budget-usd', String(input.maxCostUsd));
  args.push(...agent.args);
  const inv = { command: agent.executable ?? 'claude', args, env, home };
  return input.steered
    ? {
        ...inv,
        input: claudeInputLine(input.prompt),
        inputLine: claudeInputLine,
        interruptLine: claudeInterruptLine,
      }
    : inv;
};

let interrupts = 0;

/**
 * Stops the running turn (Stop this turn, Pause): its control protocol's `interrupt` request on
 * the same stdin, as its SDK's `interrupt()` sends it. The turn ends with a result, and Claude
 * Code waits on stdin for the next message; test/coding-agents/claude-turns.test.ts.
 */
export function claudeInterruptLine(): string {
  interrupts++;
  return `${JSON.stringify({ type: 'control_request', request_id: `baton-interrupt-${interrupts}`, request: { subtype: 'interrupt' } })}\n`;
}

/**
 * One user message on `--input-format stream-json` stdin. Sent while a turn runs, Claude Code
 * shows it to the model beside the next tool result ("The user sent a new message while you
 * were working"), within the turn; test/coding-agents/claude-steer.test.ts.
 */
export function claudeInputLine(text: string): string {
  return `${JSON.stringify({ type: 'user', message: { role: 'user', content: text } })}\n`;
}

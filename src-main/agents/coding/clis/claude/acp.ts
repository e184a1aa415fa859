import type { AcpPart } from '../definition.ts';
import { claudeProviderEnv } from './stream.ts';

/** Zed's ACP adapter of Claude Code, on PATH or from npm: Baton's default route for claude when it is installed. */
export const CLAUDE_ACP_PROGRAM = 'claude-agent-acp';

/**
 * Claude Code through Zed's ACP adapter (`claude-agent-acp`, npm `@zed-industries/claude-agent-acp`),
 * which runs Claude Code's own agent and asks `session/request_permission` before a call its
 * rules do not allow. With a provider: an Anthropic Messages API root in ANTHROPIC_BASE_URL (Baton's
 * metering endpoint when there is one), config and sessions in the task's home, nonessential
 * traffic off; the model in ANTHROPIC_MODEL. As root Claude Code needs IS_SANDBOX=1, set in Baton's
 * OS sandbox.
 */
export const claudeAcp: AcpPart = {
  known: [
    {
      name: 'claude',
      title: "Claude Code (Zed's ACP adapter)",
      program: CLAUDE_ACP_PROGRAM,
      args: [],
      npmPackage: '@zed-industries/claude-agent-acp',
      launch: 'claude',
    },
  ],
  reportsToolNames: true,
  async launch(input) {
    const { agent } = input;
    const { env, home } = await claudeProviderEnv(input);
    // The adapter picks a model of Claude Code's list (an alias such as `default`, `sonnet`): each
    // alias names the agent's model, so whichever it picks is that one.
    if (agent.model)
      for (const k of [
        'ANTHROPIC_MODEL',
        'ANTHROPIC_DEFAULT_SONNET_MODEL',
        'ANTHROPIC_DEFAULT_OPUS_MODEL',
        'ANTHROPIC_DEFAULT_HAIKU_MODEL',
      ])
        env[k] = agent.model;
    if (input.root || input.sandboxed) env.IS_SANDBOX = '1';
    return { command: agent.executable ?? CLAUDE_ACP_PROGRAM, args: [...agent.args], env, home };
  },
};

import type { AcpPart } from '../definition.ts';
import { qwenSetup } from './stream.ts';

/**
 * qwen-code in ACP mode: `qwen --acp --approval-mode default`, so every edit and shell command
 * comes to the client as `session/request_permission`. With a provider: the same HOME,
 * settings and OpenAI-compatible environment as the stream adapter (`--auth-type openai`).
 * Sessions live under that HOME (`.qwen`), and `session/load` takes them up again.
 */
export const qwenAcp: AcpPart = {
  known: [
    {
      name: 'qwen',
      title: 'Qwen Code',
      program: 'qwen',
      args: ['--acp'],
      npmPackage: '@qwen-code/qwen-code',
      launch: 'qwen',
    },
  ],
  async launch(input) {
    const { agent } = input;
    const { home, env, args } = await qwenSetup(input);
    // Its own default is `auto` (a model call classifies each tool call, and edits run unasked).
    return {
      command: agent.executable ?? 'qwen',
      args: ['--acp', '--approval-mode', 'default', ...args, ...agent.args],
      env,
      home,
    };
  },
};

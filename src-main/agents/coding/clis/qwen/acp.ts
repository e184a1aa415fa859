import type { AcpPart } from '../definition.ts';
import { personHome } from '../launch.ts';
import { qwenProviderSetup } from './stream.ts';

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
    const { agent, provider } = input;
    const env: Record<string, string> = {};
    let home = personHome();
    // Its own default is `auto` (a model call classifies each tool call, and edits run unasked).
    const args = ['--acp', '--approval-mode', 'default'];
    if (provider) {
      const setup = await qwenProviderSetup(input, provider);
      home = setup.home;
      Object.assign(env, setup.env);
      args.push(...setup.args);
    } else if (agent.model) {
      args.push('--model', agent.model);
    }
    args.push(...agent.args);
    return { command: agent.executable ?? 'qwen', args, env, home };
  },
};

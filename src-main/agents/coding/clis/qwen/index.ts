import type { CodingCliDefinition } from '../definition.ts';
import { qwenAcp } from './acp.ts';
import { createQwenStream } from './parser.ts';
import { qwenLaunch } from './stream.ts';

/**
 * qwen-code: on its stream `qwen -p … --output-format stream-json` (stream.ts, parser.ts, whose
 * events copy claude's), over ACP as `qwen --acp` (acp.ts); an OpenAI-compatible Chat Completions
 * server with a provider. Its `--help` lists `--input-format stream-json`, as Claude Code's.
 */
export const qwen: CodingCliDefinition<'qwen'> = {
  cli: 'qwen',
  wire: 'chat',
  ownServer: null,
  /** qwen-code on the person's own login: its sessions, logs and login in `~/.qwen`, its config read-only. */
  ownLogin: {
    state: ['.qwen'],
    config: [
      '.qwen/settings.json',
      '.qwen/.env',
      '.qwen/QWEN.md',
      '.qwen/output-language.md',
      '.qwen/loop.md',
      '.qwen/trustedFolders.json',
      '.qwen/statusline-command.sh',
      '.qwen/commands/',
      '.qwen/agents/',
      '.qwen/skills/',
      '.qwen/extensions/',
      '.qwen/hooks/',
      '.qwen/rules/',
      '.qwen/output-styles/',
      '.qwen/workflows/',
      // UI language packs: JavaScript it loads.
      '.qwen/locales/',
    ],
    hosts: ['dashscope.aliyuncs.com', 'dashscope-intl.aliyuncs.com', 'chat.qwen.ai', 'portal.qwen.ai'],
  },
  stream: {
    program: 'qwen',
    npmPackage: '@qwen-code/qwen-code',
    launch: qwenLaunch,
    parser: createQwenStream,
    fileChangeTools: ['write_file', 'edit', 'replace', 'notebook_edit'],
  },
  acp: qwenAcp,
  can: { resume: 'flag', nativeBudget: false, steer: 'stdin', interrupt: 'none' },
};

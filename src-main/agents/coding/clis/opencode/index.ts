import type { CodingCliDefinition } from '../definition.ts';
import { opencodeAcp } from './acp.ts';
import { createOpencodeStream } from './parser.ts';
import { opencodeLaunch } from './stream.ts';

/**
 * opencode: on its own route over its own server, `opencode serve`, through Baton's bridge
 * (serve.ts, serve-bridge.ts), where a person can speak to it and stop its turn, else `opencode
 * run --format json` (stream.ts); both read by parser.ts. Over ACP as `opencode acp` (acp.ts); an
 * OpenAI-compatible Chat Completions server with a provider.
 */
export const opencode: CodingCliDefinition<'opencode'> = {
  cli: 'opencode',
  wire: 'chat',
  ownServer: null,
  /**
   * opencode on the person's own login: its sessions and login (`~/.local/share/opencode`), caches
   * and state; its config folder (`~/.config/opencode`: settings, plugins, agents, commands) is not
   * among them, so it stays read-only, and so do the packages it loads from its cache and the
   * programs it downloads (language servers).
   */
  ownLogin: {
    state: ['.local/share/opencode', '.cache/opencode', '.local/state/opencode'],
    config: [
      '.local/share/opencode/bin/',
      '.cache/opencode/node_modules/',
      '.cache/opencode/package.json',
      '.cache/opencode/bun.lock',
    ],
    // It talks to whichever provider its own config names: its agent lists that host.
    hosts: [],
  },
  stream: {
    program: 'opencode',
    npmPackage: 'opencode-ai',
    launch: opencodeLaunch,
    parser: createOpencodeStream,
    fileChangeTools: ['write', 'edit', 'multiedit', 'patch', 'apply_patch'],
  },
  acp: opencodeAcp,
  can: { resume: 'flag', nativeBudget: false, steer: 'prompt', interrupt: 'abort' },
};

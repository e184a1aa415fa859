import type { Invocation, LaunchInput } from '../definition.ts';
import { SERVE_BRIDGE } from './serve-bridge.ts';

/** The bridge's process title (`node -e` takes it as its first argument): what `ps` shows. */
const BRIDGE_TITLE = 'baton-opencode-serve';

/** A person's words as a line for the bridge's stdin: opencode's `prompt_async`. */
export const servePromptLine = (text: string): string => `${JSON.stringify({ prompt: text })}\n`;

/** The line that stops the running turn: opencode's `POST /session/{id}/abort`. */
export const serveAbortLine = (): string => `${JSON.stringify({ abort: true })}\n`;

/**
 * opencode driven over its own server (`opencode serve`), where a person can speak to it while it
 * runs (`LaunchInput.steered`): Baton's bridge (`serve-bridge.ts`, run by Baton's own Node) starts
 * the server in the sandbox with opencode's command and environment, and its stdin takes the
 * prompt, a person's words and Stop this turn as lines, its stdout the session's events as
 * `opencode run --format json` prints them. `model` is `provider/model` (opencode's `-m`).
 */
export function serveInvocation(
  input: LaunchInput,
  program: string,
  model: string | null,
  env: Record<string, string>,
  home: string,
): Invocation {
  const slash = model === null ? -1 : model.indexOf('/');
  const config = {
    program,
    args: input.agent.args,
    session: input.resume,
    model:
      model !== null && slash > 0
        ? { providerID: model.slice(0, slash), modelID: model.slice(slash + 1) }
        : null,
  };
  return {
    command: process.execPath,
    args: ['-e', SERVE_BRIDGE, BRIDGE_TITLE, JSON.stringify(config)],
    // Electron runs as plain Node; the bridge takes it out of opencode's environment.
    env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
    home,
    input: servePromptLine(input.prompt),
    inputLine: servePromptLine,
    interruptLine: serveAbortLine,
  };
}

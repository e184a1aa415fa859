import type { ToolSource } from '../../../../src-shared/schemas/agent-tools.ts';
import { DEFAULT_SANDBOX } from '../../../../src-shared/schemas/sandbox.ts';
import type { SecretResolver } from '../../../secrets/secrets.ts';
import type { ToolSandbox } from './refusals.ts';
import { Refusals } from './refusals.ts';
import type { ToolInfo, ToolOutcome, ToolSourceHandle } from './tool-source.ts';
import { openWorkspaceTools } from './workspace-tools.ts';

/** A tool as the model is offered it: its name unique across sources, safe for any chat API. */
export interface OfferedTool extends ToolInfo {
  model_name: string;
}

/** Every tool of an attempt's sources, called by the name the model knows. */
export interface Toolbox {
  readonly tools: OfferedTool[];
  byModelName(name: string): OfferedTool | undefined;
  call(tool: OfferedTool, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome>;
  /** Stops every server this toolbox started. */
  close(): Promise<void>;
  /** Secret values the sources were given, for redaction. */
  readonly secrets: readonly string[];
  /** What the sandbox refused the tools' processes since the last call, by process. */
  takeRefusals(): ReturnType<Refusals['take']>;
}

/** `<source>__<tool>`, with what function names may not hold replaced, at most 64 characters. */
export function modelNameOf(source: string, tool: string): string {
  return `${source}__${tool}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

export interface ToolboxContext {
  workspace: string;
  secrets: SecretResolver;
  version: string;
  /** The attempt's process-tree marker (`attemptMarker`): each stdio server it starts is marked `<marker>/mcp/<n>`. */
  marker?: string;
  /** The OS sandbox of its processes (`run_command`, stdio servers); none: the default policy's. */
  sandbox?: ToolSandbox;
}

/**
 * Opens an agent's tool sources for one attempt, in order. If one cannot be opened (a server not
 * installed, a URL that does not answer), the ones opened are closed and the error names the
 * source and its command or URL.
 */
export async function openToolbox(
  sources: readonly ToolSource[],
  ctx: ToolboxContext,
): Promise<{ ok: true; toolbox: Toolbox } | { ok: false; error: string }> {
  const open: ToolSourceHandle[] = [];
  const used: string[] = [];
  let started = 0;
  const base = ctx.marker;
  const marker = base === undefined ? undefined : () => `${base}/mcp/${started++}`;
  const sandbox: ToolSandbox = ctx.sandbox ?? {
    policy: DEFAULT_SANDBOX,
    hide: [],
    owner: 'the tools',
    refusals: new Refusals(),
  };
  const closeAll = () => Promise.all(open.map((s) => s.close().catch(() => {}))).then(() => {});
  for (const source of sources) {
    if (source.kind === 'workspace') {
      open.push(openWorkspaceTools(source, ctx.workspace, sandbox));
      continue;
    }
    // The MCP client SDK is loaded with the first MCP source, not at every start of Baton.
    const { openMcpSource } = await import('./mcp-source.ts');
    const got = await openMcpSource(source, {
      cwd: ctx.workspace,
      secrets: ctx.secrets,
      used,
      version: ctx.version,
      sandbox,
      ...(marker ? { marker } : {}),
    });
    if (!got.ok) {
      await closeAll();
      return { ok: false, error: got.error };
    }
    open.push(got.source);
  }
  const tools: OfferedTool[] = [];
  const byName = new Map<string, OfferedTool>();
  const handles = new Map<string, ToolSourceHandle>();
  for (const h of open) {
    handles.set(h.name, h);
    for (const t of h.tools) {
      let name = modelNameOf(t.source, t.name);
      for (let n = 2; byName.has(name); n++) name = `${modelNameOf(t.source, t.name).slice(0, 60)}_${n}`;
      const offered = { ...t, model_name: name };
      tools.push(offered);
      byName.set(name, offered);
    }
  }
  return {
    ok: true,
    toolbox: {
      tools,
      secrets: used,
      takeRefusals: () => sandbox.refusals.take(),
      byModelName: (name) => byName.get(name),
      call: (tool, args, signal) => handles.get(tool.source)!.call(tool.name, args, signal),
      close: closeAll,
    },
  };
}

import { arr, name, obj, str } from './json.ts';
import type { Recorder } from './recorder.ts';

/**
 * Content blocks of Anthropic-style messages, shared by claude and qwen (whose stream-json
 * copies claude's): an `assistant` event's text and tool calls, a `user` event's tool results.
 */

/** `mcp__baton__approve` → `baton`: the MCP server of a claude tool, by its naming rule. */
export function mcpServer(toolName: string | null): string | null {
  if (toolName === null || !toolName.startsWith('mcp__')) return null;
  const end = toolName.indexOf('__', 5);
  return end > 5 ? toolName.slice(5, end) : null;
}

/** The text of the model's text blocks, and its tool calls recorded as running. */
export function assistantBlocks(
  content: unknown,
  rec: Recorder,
  atMs: number | null,
  onText: (text: string) => void = (text) => rec.message('assistant', text, atMs),
): void {
  if (typeof content === 'string') {
    onText(content);
    return;
  }
  for (const item of arr(content)) {
    const block = obj(item);
    switch (block.type) {
      case 'text': {
        const text = str(block.text);
        if (text !== null && text.trim().length > 0) onText(text);
        break;
      }
      case 'tool_use':
      case 'server_tool_use':
      case 'mcp_tool_use': {
        const tool = name(block.name);
        rec.toolStarted(name(block.id), tool, block.input, {
          server: name(block.server_name) ?? mcpServer(tool),
          atMs,
        });
        break;
      }
      case 'web_search_tool_result':
      case 'web_fetch_tool_result':
      case 'mcp_tool_result':
        // A server tool's answer arrives in the model's own message.
        rec.toolEnded(name(block.tool_use_id), {
          status: block.is_error === true ? 'failed' : 'done',
          output: block.is_error === true ? null : resultText(block.content),
          error: block.is_error === true ? resultText(block.content) : null,
          endMs: atMs,
        });
        break;
      // thinking, redacted_thinking and blocks added later: not recorded.
    }
  }
}

/** A `user` event: tool results end their calls; text is a user message (a replayed prompt). */
export function userBlocks(ev: Record<string, unknown>, rec: Recorder): void {
  const atMs = rec.cliTime(ev.timestamp);
  const content = obj(ev.message).content;
  if (typeof content === 'string') {
    rec.message('user', content, atMs);
    return;
  }
  for (const item of arr(content)) {
    const block = obj(item);
    if (block.type === 'tool_result') {
      const failed = block.is_error === true;
      const text = resultText(block.content);
      rec.toolEnded(name(block.tool_use_id), {
        status: failed ? 'failed' : 'done',
        output: failed ? null : text,
        error: failed ? text : null,
        endMs: atMs,
      });
    } else if (block.type === 'text') {
      const text = str(block.text);
      if (text !== null) rec.message('user', text, atMs);
    }
  }
}

/** A tool result's content as text: a string, or blocks (text joined, other blocks named). */
export function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? '' : safeJson(content);
  const parts: string[] = [];
  for (const item of content) {
    const block = obj(item);
    const text = str(block.text);
    if (text !== null) parts.push(text);
    else parts.push(`[${str(block.type) ?? 'content'}]`);
  }
  return parts.join('\n');
}

export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[not serialisable]';
  }
}

import { describe, expect, it } from 'vitest';
import type { Step, StepOf } from '../../../../src-shared/schemas/step.ts';
import { captureLines, replay } from './captures.ts';
import { changedPaths, isFileChange } from './file-changes.ts';

const calls = (steps: Step[]) => steps.filter((s): s is StepOf<'tool_call'> => s.kind === 'tool_call');

describe('file-changing tools', () => {
  it.each([
    ['claude', 'claude-edit', 'Write'],
    ['codex', 'codex-edit', 'file_change'],
    ['opencode', 'opencode-edit', 'write'],
    ['qwen', 'qwen-edit', 'write_file'],
  ] as const)('%s: its write in %s is a file change naming the file', (cli, capture, name) => {
    const [write] = calls(replay(cli, captureLines(capture)).steps);
    expect(write?.name).toBe(name);
    expect(isFileChange(write!, cli)).toBe(true);
    expect(isFileChange(write!)).toBe(true);
    expect(changedPaths(write!, cli)).toEqual(['/tmp/attempt/repo/hello.txt']);
  });

  it.each([
    ['claude', 'claude-shell'],
    ['codex', 'codex-shell'],
    ['opencode', 'opencode-shell'],
    ['qwen', 'qwen-shell'],
  ] as const)('%s: shell calls are not (the diff says what they changed)', (cli, capture) => {
    for (const call of calls(replay(cli, captureLines(capture)).steps)) {
      expect(isFileChange(call, cli)).toBe(false);
      expect(changedPaths(call, cli)).toEqual([]);
    }
  });

  it("asks the CLI's own names when told the CLI, and never counts an MCP tool", () => {
    const [write] = calls(replay('opencode', captureLines('opencode-edit')).steps);
    expect(isFileChange(write!, 'claude')).toBe(false);
    expect(isFileChange({ ...write!, server: 'fs' })).toBe(false);
  });
});

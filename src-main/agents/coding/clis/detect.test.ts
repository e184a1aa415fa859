import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findAcpAgents, KNOWN_ACP_AGENTS } from './detect.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baton-acp-detect-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function program(file: string, executable = true) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, executable ? 0o755 : 0o644);
}
function pkg(modules: string, name: string, version: string) {
  mkdirSync(join(modules, name), { recursive: true });
  writeFileSync(join(modules, name, 'package.json'), JSON.stringify({ name, version }));
}

describe('findAcpAgents', () => {
  it('lists known programs on PATH with their ACP arguments and launch, skipping files that are not executable', () => {
    const bin = join(root, 'bin');
    program(join(bin, 'copilot'));
    program(join(bin, 'goose'), false);
    program(join(bin, 'claude-agent-acp'));
    const found = findAcpAgents({
      path: `${join(root, 'nothing')}:${bin}`,
      npmPrefix: null,
      projectDirs: [],
    });
    expect(found).toEqual([
      expect.objectContaining({
        name: 'claude',
        path: join(bin, 'claude-agent-acp'),
        args: [],
        launch: 'claude',
        source: 'path',
        version: null,
      }),
      expect.objectContaining({
        name: 'copilot',
        path: join(bin, 'copilot'),
        args: ['--acp', '--stdio'],
        launch: null,
        source: 'path',
      }),
    ]);
  });

  it('finds npm packages installed globally and in the project by their package and bin, once per program file', () => {
    const prefix = join(root, 'npm');
    const global = join(prefix, 'lib', 'node_modules');
    pkg(global, '@google/gemini-cli', '0.61.0');
    program(join(global, '@google/gemini-cli', 'bundle', 'gemini.js'));
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    symlinkSync(join(global, '@google/gemini-cli', 'bundle', 'gemini.js'), join(prefix, 'bin', 'gemini'));
    // A package without its program in the bin folder is not listed.
    pkg(global, '@qwen-code/qwen-code', '0.24.4');
    const project = join(root, 'project');
    pkg(join(project, 'node_modules'), 'opencode-ai', '1.18.33');
    program(join(project, 'node_modules', '.bin', 'opencode'));
    // The global bin folder is also on PATH: gemini is listed once, with its package's version.
    const found = findAcpAgents({ path: join(prefix, 'bin'), npmPrefix: prefix, projectDirs: [project] });
    expect(found).toEqual([
      {
        name: 'gemini',
        title: 'Gemini CLI',
        path: join(prefix, 'bin', 'gemini'),
        args: ['--acp'],
        launch: 'gemini',
        source: 'path',
        version: '0.61.0',
      },
      expect.objectContaining({
        name: 'opencode',
        path: join(project, 'node_modules', '.bin', 'opencode'),
        args: ['acp'],
        source: 'project',
        version: '1.18.33',
      }),
    ]);
  });

  it('finds nothing where nothing is, and every known agent names a program and a launch or none', () => {
    expect(
      findAcpAgents({ path: undefined, npmPrefix: join(root, 'none'), projectDirs: [join(root, 'none')] }),
    ).toEqual([]);
    expect(new Set(KNOWN_ACP_AGENTS.map((a) => a.name)).size).toBe(KNOWN_ACP_AGENTS.length);
    expect(KNOWN_ACP_AGENTS.filter((a) => a.launch).map((a) => a.launch)).toEqual([
      'claude',
      'codex',
      'gemini',
      'qwen',
      'opencode',
    ]);
  });
});

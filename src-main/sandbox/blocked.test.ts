import { describe, expect, it } from 'vitest';
import { connectionsInText, fromViolation, readsInStderr, refusalsInToolError } from './blocked.ts';

describe("the library's violation lines", () => {
  const writable = ['/data/workspaces/r/t/1', '/tmp/baton-tmp-x'];

  it('a refused connection, by host and port (the proxy)', () => {
    expect(
      fromViolation('deny network-outbound 127.0.0.1:8080 (host is not on the allow list)', writable),
    ).toEqual({
      blocked: 'network',
      target: '127.0.0.1:8080',
      seen_by: 'filter',
      text: 'sandbox: connection to 127.0.0.1:8080 blocked',
    });
  });

  it('a write outside the writable folders (Linux: the write monitor), any syscall', () => {
    for (const op of ['openat', 'mkdir', 'renameat2', 'unlinkat', 'symlinkat'])
      expect(fromViolation(`deny ${op} /home/me/.bashrc`, writable)?.text).toBe(
        'sandbox: write outside the folder refused: /home/me/.bashrc',
      );
  });

  it("leaves out what the monitor reports that is no refusal: the program's own folders, /dev, /proc", () => {
    expect(fromViolation('deny openat /data/workspaces/r/t/1/out.txt', writable)).toBeNull();
    expect(fromViolation('deny openat /tmp/baton-tmp-x/scratch', writable)).toBeNull();
    expect(fromViolation('deny openat /dev/shm/x', writable)).toBeNull();
    expect(fromViolation('deny openat /proc/self/attr/current', writable)).toBeNull();
    // opencode's runtime (Bun) opens it at start, each time.
    expect(fromViolation('deny openat /sys/kernel/debug/tracing/trace_marker', writable)).toBeNull();
    expect(fromViolation('deny openat /sys/kernel/other', writable)).not.toBeNull();
    expect(fromViolation('deny openat relative/path', writable)).toBeNull();
    expect(fromViolation('something else entirely', writable)).toBeNull();
  });

  it('leaves out a folder made where one is already (npm makes ~/.npm on every run): that fails outside as well', () => {
    const folders = new Set(['/home/me/.npm']);
    const isFolder = (p: string) => folders.has(p);
    expect(fromViolation('deny mkdir /home/me/.npm', writable, [], isFolder)).toBeNull();
    expect(fromViolation('deny mkdirat /home/me/.npm', writable, [], isFolder)).toBeNull();
    // A new folder, or a write into the one that is there, is refused and said.
    expect(fromViolation('deny mkdir /home/me/.npm/_logs', writable, [], isFolder)?.blocked).toBe('write');
    expect(fromViolation('deny openat /home/me/.npm', writable, [], isFolder)?.blocked).toBe('write');
  });

  it('a write to a path that stays read-only inside its own folders (a protected path)', () => {
    const readOnly = ['/data/workspaces/r/t/1/.vscode', '/data/workspaces/r/t/1/.bashrc'];
    expect(fromViolation('deny mkdir /data/workspaces/r/t/1/.vscode/tasks.json', writable, readOnly)).toEqual(
      {
        blocked: 'write',
        target: '/data/workspaces/r/t/1/.vscode/tasks.json',
        seen_by: 'monitor',
        text: 'sandbox: write to a protected path refused: /data/workspaces/r/t/1/.vscode/tasks.json',
      },
    );
    expect(fromViolation('deny openat /data/workspaces/r/t/1/.bashrc.bak', writable, readOnly)).toBeNull();
  });

  it("a read macOS's log reports", () => {
    expect(fromViolation('deny file-read-data /Users/me/.ssh/id_ed25519', writable)?.text).toBe(
      'sandbox: read of a hidden path refused: /Users/me/.ssh/id_ed25519',
    );
  });
});

describe('a failed tool call on a protected path', () => {
  const writable = ['/w'];
  it('is a refused write when it wrote (its stand-in is a folder: EISDIR), not when it read', () => {
    const readOnly = ['/w/.mcp.json'];
    expect(
      refusalsInToolError(
        "EISDIR: illegal operation on a directory, open '/w/.mcp.json'",
        { file_path: '/w/.mcp.json', content: '{}' },
        writable,
        [],
        [],
        readOnly,
      ).map((b) => b.text),
    ).toEqual(['sandbox: write to a protected path refused: /w/.mcp.json']);
    expect(
      refusalsInToolError(
        'EISDIR: illegal operation on a directory, read',
        { file_path: '/w/.mcp.json' },
        writable,
        [],
        [],
        readOnly,
      ),
    ).toEqual([]);
  });
});

describe('reads seen in stderr', () => {
  const hidden = ['/home/me/.ssh', '/data'];
  const open = ['/data/workspaces/r/t/1'];

  it('a path the program names under a hidden folder', () => {
    expect(readsInStderr('cat: /home/me/.ssh/id_ed25519: No such file or directory', hidden, open)).toEqual([
      {
        blocked: 'read',
        target: '/home/me/.ssh/id_ed25519',
        seen_by: 'stderr',
        text: 'sandbox: read of a hidden path refused: /home/me/.ssh/id_ed25519',
      },
    ]);
    expect(
      readsInStderr("Error: ENOENT: no such file or directory, open '/data/server.json'", hidden, open),
    ).toHaveLength(1);
  });

  it("not the program's own folder inside a hidden one, nor other paths", () => {
    expect(readsInStderr('failed at /data/workspaces/r/t/1/build.js:3', hidden, open)).toEqual([]);
    expect(readsInStderr('cat: /etc/shadow: Permission denied', hidden, open)).toEqual([]);
    expect(readsInStderr('/home/me/.sshkeys is not it', hidden, open)).toEqual([]);
  });
});

describe("a coding agent's tool call that failed for the sandbox", () => {
  const writable = ['/data/workspaces/r/t/1', '/tmp/baton-tmp-x'];
  const hidden = ['/home/me/.ssh', '/data'];
  const open = ['/data/workspaces/r/t/1'];
  const seen = (error: string, input: unknown) => refusalsInToolError(error, input, writable, hidden, open);

  it("a write refused with EROFS (Claude Code's Write, which the monitor does not see): the path the error names", () => {
    expect(
      seen("EROFS: read-only file system, open '/home/me/outside/x.txt'", {
        file_path: '/home/me/outside/x.txt',
      }),
    ).toEqual([
      {
        blocked: 'write',
        target: '/home/me/outside/x.txt',
        seen_by: 'tool',
        text: 'sandbox: write outside the folder refused: /home/me/outside/x.txt',
      },
    ]);
    // The error names no path: the call's input does.
    expect(seen('Read-only file system', { file_path: '/etc/hosts' }).map((b) => b.target)).toEqual([
      '/etc/hosts',
    ]);
  });

  it('a read of a hidden path that failed as if the file were not there: the path in its input', () => {
    expect(seen('File does not exist.', { file_path: '/home/me/.ssh/id_ed25519' })).toEqual([
      {
        blocked: 'read',
        target: '/home/me/.ssh/id_ed25519',
        seen_by: 'tool',
        text: 'sandbox: read of a hidden path refused: /home/me/.ssh/id_ed25519',
      },
    ]);
  });

  it('not a failure of another kind, nor a path the agent may use', () => {
    expect(seen("EROFS: read-only file system, open '/data/workspaces/r/t/1/a.txt'", {})).toEqual([]);
    expect(seen('File does not exist.', { file_path: '/data/workspaces/r/t/1/missing.ts' })).toEqual([]);
    expect(seen('File does not exist.', { file_path: '/home/me/project/missing.ts' })).toEqual([]);
    expect(seen('Exit code 1: tests failed', { command: 'npm test /home/me/.ssh' })).toEqual([]);
    // A path in what the call writes or runs is not the call's path.
    expect(seen('command not found', { command: 'aws s3 ls --profile /home/me/.ssh/x' })).toEqual([]);
    expect(seen('Read-only file system', { content: 'see /etc/hosts', file_path: 'rel.txt' })).toEqual([]);
  });
});

describe('connections made around the proxy, as a program says them', () => {
  const seen = (line: string) => connectionsInText(line).map((b) => [b.blocked, b.target, b.text]);

  it('a direct TCP connection (Node, Go, curl), by host and port', () => {
    const tcp = (at: string) => [
      ['network', at, `sandbox: connection to ${at} blocked (made around the proxy)`],
    ];
    expect(seen('Error: connect ECONNREFUSED 127.0.0.1:5432')).toEqual(tcp('127.0.0.1:5432'));
    expect(seen('connect ENETUNREACH 10.1.2.3:80 - Local (0.0.0.0:0)')).toEqual(tcp('10.1.2.3:80'));
    expect(seen('dial tcp 10.0.0.5:6379: connect: connection refused')).toEqual(tcp('10.0.0.5:6379'));
    expect(
      seen("curl: (7) Failed to connect to 127.0.0.1 port 8080 after 0 ms: Couldn't connect to server"),
    ).toEqual(tcp('127.0.0.1:8080'));
  });

  it('a Unix socket, which the seccomp filter refuses to open', () => {
    const unix = (path: string) => [
      ['network', `unix:${path}`, `sandbox: connection to the Unix socket ${path} blocked`],
    ];
    expect(seen('Error: connect EPERM /var/run/docker.sock')).toEqual(unix('/var/run/docker.sock'));
    expect(seen('dial unix /var/run/docker.sock: socket: operation not permitted')).toEqual(
      unix('/var/run/docker.sock'),
    );
  });

  it('nothing from a line without an address, or about something else', () => {
    expect(seen('ConnectionRefusedError: [Errno 111] Connection refused')).toEqual([]);
    expect(seen('connected to 127.0.0.1:5432')).toEqual([]);
    expect(seen("ENOENT: no such file or directory, open '/x'")).toEqual([]);
  });

  it("from a coding agent's failed tool call too", () => {
    expect(refusalsInToolError('Exit code 7\nconnect ECONNREFUSED 127.0.0.1:9', {}, [], [], [])).toEqual([
      expect.objectContaining({ blocked: 'network', target: '127.0.0.1:9', seen_by: 'tool' }),
    ]);
  });
});

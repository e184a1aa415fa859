import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/client';
import type { ProcessTree } from '../../../processes/process-tree.ts';
import { spawnTree } from '../../../processes/process-tree.ts';
import type { ConfinedProgram } from '../../../sandbox/index.ts';
import { confine, exitOutside, inFolder } from '../../../sandbox/index.ts';
import type { ToolSandbox } from './refusals.ts';

/** Most of a server's stderr kept to explain why it died (its last bytes). */
const STDERR_KEEP = 4_096;

export interface StdioServerSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** The process-tree marker (`BATON_ATTEMPT`; default: one of its own), for an attempt's server: a Baton that died leaves it found by it. */
  marker?: string;
  /** The OS sandbox it runs in, and its name in the refusals (`MCP server fs`); none: it runs as it is. */
  sandbox?: ToolSandbox & { process: string };
}

/**
 * An MCP client transport over a local server spawned with `spawnTree` (not the SDK's
 * `StdioClientTransport`, which stops only the child: a server behind a wrapper that forks
 * outlives it, test/mcp/README.md). `close()` stops the whole process tree. Unlike the SDK's,
 * it knows how the server ended (`exitDescription`) and keeps the end of its stderr.
 */
export class TreeStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  private readonly spec: StdioServerSpec;
  private tree: ProcessTree | null = null;
  private program: ConfinedProgram | null = null;
  private stderrLine = '';
  private readonly buffer = new ReadBuffer();
  private stderrTail = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(spec: StdioServerSpec) {
    this.spec = spec;
  }

  async start(): Promise<void> {
    if (this.tree) throw new Error('already started');
    let command = this.spec.command;
    let args = this.spec.args;
    let env = this.spec.env;
    const sandbox = this.spec.sandbox;
    if (sandbox) {
      const made = await confine({ ...inFolder(sandbox, this.spec.cwd, env), command, args });
      if (!made.ok) throw new Error(made.error);
      this.program = made.program;
      ({ command, args, env } = made.program);
    }
    return new Promise((resolve, reject) => {
      const tree = spawnTree(command, args, {
        env,
        cwd: this.spec.cwd,
        graceMs: 2_000,
        stdio: ['pipe', 'pipe', 'pipe'],
        ...(this.spec.marker !== undefined ? { id: this.spec.marker } : {}),
      });
      this.tree = tree;
      const child = tree.child;
      child.on('error', (err) => {
        // Spawn failed (no such program): the message names the command (`spawn x ENOENT`).
        reject(err);
        this.onerror?.(err);
      });
      child.on('spawn', () => resolve());
      child.on('close', (code, signal) => {
        this.exit = exitOutside(this.program?.sandboxed ?? false, code, signal);
        this.onclose?.();
      });
      child.stdin?.on('error', (err) => this.onerror?.(err));
      child.stdout?.on('data', (chunk: Buffer) => {
        try {
          this.buffer.append(chunk);
          for (;;) {
            let message: JSONRPCMessage | null;
            try {
              message = this.buffer.readMessage();
            } catch (err) {
              // A JSON line that is no JSON-RPC message: reported, and the next line is read.
              this.onerror?.(err instanceof Error ? err : new Error(String(err)));
              continue;
            }
            if (message === null) break;
            this.onmessage?.(message);
          }
        } catch (err) {
          this.onerror?.(err instanceof Error ? err : new Error(String(err)));
          void this.close();
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEEP);
        if (!this.program) return;
        // Whole lines, for what the sandbox hid (a read shows only in the server's error).
        const lines = (this.stderrLine + text).split('\n');
        this.stderrLine = lines.pop()!.slice(-STDERR_KEEP);
        for (const line of lines) this.program.stderr(line);
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.tree?.child.stdin;
    if (!stdin || this.exit) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve, reject) => {
      const ok = stdin.write(serializeMessage(message), (err) => (err ? reject(err) : undefined));
      if (ok) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Stops the server and everything it started. */
  async close(): Promise<void> {
    const tree = this.tree;
    if (!tree) return;
    try {
      tree.child.stdin?.end();
    } catch {
      // already closed
    }
    await tree.stop();
    this.buffer.clear();
    await this.program?.release();
    this.tellRefusals();
  }

  /** Hands what the sandbox refused the server so far to the attempt's refusals. */
  tellRefusals(): void {
    const sandbox = this.spec.sandbox;
    if (this.program && sandbox) sandbox.refusals.add(sandbox.process, this.program.take());
  }

  /** How the server ended (`exited with code 1`, `killed by SIGKILL`), or null while it runs. */
  exitDescription(): string | null {
    if (!this.exit) return null;
    return this.exit.signal ? `killed by ${this.exit.signal}` : `exited with code ${this.exit.code}`;
  }

  /** The last lines the server wrote on stderr, trimmed. */
  stderr(): string {
    return this.stderrTail.trim();
  }
}

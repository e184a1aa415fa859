import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { spawnTree } from '../../src-main/processes/process-tree.ts';
import type {
  ClientConnection,
  InitializeResponse,
  PermissionOption,
  RequestPermissionRequest,
  SessionNotification,
} from '../kit/acp-sdk.ts';
import { client, ndJsonStream, PROTOCOL_VERSION, RequestError } from '../kit/acp-sdk.ts';

/**
 * A minimal ACP client for probing real agents (not Baton's route): starts one agent process,
 * speaks ACP to it over stdio through the official SDK, serves `fs/read_text_file` and
 * `fs/write_text_file` (no terminals), answers every permission request with the first option
 * of the kind `allow` asks for, and records everything the agent sent.
 */
export interface AcpRecord {
  /** `session/request_permission` params as received, with the option chosen. */
  permissions: { request: RequestPermissionRequest; chose: PermissionOption | undefined }[];
  /** `session/update` notifications, in order. */
  updates: SessionNotification[];
  /** `fs/*` calls: method and path. */
  fs: { method: string; path: string }[];
  stderr: string;
}

export interface AcpAgentProcess {
  conn: ClientConnection;
  record: AcpRecord;
  init: InitializeResponse;
  stop(): Promise<void>;
}

export async function startAcpAgent(
  inv: { command: string; args: string[]; env: Record<string, string> },
  cwd: string,
  opts: { allow?: 'allow_once' | 'allow_always' | 'reject_once'; fs?: boolean } = {},
): Promise<AcpAgentProcess> {
  const record: AcpRecord = { permissions: [], updates: [], fs: [], stderr: '' };
  const tree = spawnTree(inv.command, inv.args, {
    cwd,
    env: inv.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    graceMs: 2_000,
  });
  const child = tree.child;
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    record.stderr += c;
  });
  const want = opts.allow ?? 'allow_once';
  const app = client()
    .onRequest('session/request_permission', ({ params }) => {
      const chose =
        params.options.find((o) => o.kind === want) ??
        params.options.find((o) => o.kind.startsWith(want.split('_')[0] ?? ''));
      record.permissions.push({ request: params, chose });
      return chose
        ? { outcome: { outcome: 'selected', optionId: chose.optionId } }
        : { outcome: { outcome: 'cancelled' } };
    })
    .onRequest('fs/read_text_file', async ({ params }) => {
      record.fs.push({ method: 'fs/read_text_file', path: params.path });
      // A missing file is ACP's "Resource not found" (-32002): Gemini CLI reads the file it is
      // about to write, and takes any other error as a failed tool call.
      if (!existsSync(params.path)) throw RequestError.resourceNotFound(params.path);
      return { content: await readFile(params.path, 'utf8') };
    })
    .onRequest('fs/write_text_file', async ({ params }) => {
      record.fs.push({ method: 'fs/write_text_file', path: params.path });
      await mkdir(dirname(params.path), { recursive: true });
      await writeFile(params.path, params.content);
      return {};
    })
    .onNotification('session/update', ({ params }) => {
      record.updates.push(params);
    });
  if (!child.stdin || !child.stdout) throw new Error('agent process without stdio pipes');
  const stream = ndJsonStream(
    Writable.toWeb(child.stdin) as WritableStream<Uint8Array>,
    Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>,
  );
  const conn = app.connect(stream);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const stop = async () => {
    conn.close();
    await tree.stop();
    await exited;
  };
  try {
    const init = await Promise.race([
      conn.agent.request('initialize', {
        protocolVersion: PROTOCOL_VERSION,
        clientCapabilities: {
          fs: { readTextFile: opts.fs ?? true, writeTextFile: opts.fs ?? true },
          terminal: false,
        },
        clientInfo: { name: 'baton-probe', version: '0.0.0' },
      }),
      exited.then(() => {
        throw new Error(`agent exited before initialize: ${record.stderr.slice(-2000)}`);
      }),
    ]);
    return { conn, record, init, stop };
  } catch (err) {
    await stop();
    throw new Error(`initialize failed (${String(err)}); the agent's stderr: ${record.stderr.slice(-2000)}`);
  }
}

/** The text the agent streamed as `agent_message_chunk` updates since `from`. */
export function agentText(record: AcpRecord, from = 0): string {
  return record.updates
    .slice(from)
    .map((u) => u.update)
    .map((u) =>
      u.sessionUpdate === 'agent_message_chunk' && u.content.type === 'text' ? u.content.text : '',
    )
    .join('');
}

/** The kinds of `session/update` seen since `from`, each once, in first-seen order. */
export function updateKinds(record: AcpRecord, from = 0): string[] {
  return [...new Set(record.updates.slice(from).map((u) => u.update.sessionUpdate))];
}

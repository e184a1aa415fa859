import type { BatonApp } from '../../app/create-app.ts';
import { packageVersion } from '../files.ts';

/**
 * `baton mcp`: Baton's MCP server over stdio (src-main/mcp/stdio.ts). stdout carries the protocol
 * alone: whatever would print there (a stray console.log) goes to stderr with the logs.
 */
export async function mcpCommand(openApp: () => BatonApp, dataDir: string): Promise<number> {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  // Imported here: the MCP server SDK is loaded by `baton mcp`, not by every other command.
  const { serveMcpOverStdio } = await import('../../mcp/stdio.ts');
  await serveMcpOverStdio({
    dataDir,
    version: packageVersion(),
    openApp,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  return 0;
}

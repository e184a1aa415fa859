import type { ToolAnnotations } from '@modelcontextprotocol/client';

/**
 * The tools each official server offers at the versions pinned in package.json, with the
 * annotations it sets (hints from the server, not guarantees), as `tools/list` returned them.
 * servers.test.ts checks the servers still say exactly this; README.md has the same table.
 * `taskSupport` is listed where a tool's `execution.taskSupport` is not `forbidden`.
 */
export interface ListedTool {
  name: string;
  annotations: ToolAnnotations;
  taskSupport?: 'optional' | 'required';
}

export const OFFICIAL_TOOLS: Record<
  'mcp-server-filesystem' | 'mcp-server-everything' | 'mcp-server-memory',
  ListedTool[]
> = {
  'mcp-server-filesystem': [
    { name: 'read_file', annotations: { readOnlyHint: true, openWorldHint: false } },
    { name: 'read_text_file', annotations: { readOnlyHint: true, openWorldHint: false } },
    { name: 'read_media_file', annotations: { readOnlyHint: true, openWorldHint: false } },
    { name: 'read_multiple_files', annotations: { readOnlyHint: true, openWorldHint: false } },
    {
      name: 'write_file',
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'edit_file',
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    {
      name: 'create_directory',
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
    },
    { name: 'list_directory', annotations: { readOnlyHint: true, openWorldHint: false } },
    { name: 'list_directory_with_sizes', annotations: { readOnlyHint: true, openWorldHint: false } },
    { name: 'directory_tree', annotations: { readOnlyHint: true, openWorldHint: false } },
    {
      name: 'move_file',
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    { name: 'search_files', annotations: { readOnlyHint: true, openWorldHint: false } },
    { name: 'get_file_info', annotations: { readOnlyHint: true, openWorldHint: false } },
    { name: 'list_allowed_directories', annotations: { readOnlyHint: true, openWorldHint: false } },
  ],
  'mcp-server-everything': [
    {
      name: 'echo',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'get-annotated-message',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'get-env',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'get-resource-links',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'get-resource-reference',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'get-structured-content',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'get-sum',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'get-tiny-image',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'gzip-file-as-resource',
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    {
      name: 'toggle-simulated-logging',
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    {
      name: 'toggle-subscriber-updates',
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    {
      name: 'trigger-long-running-operation',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'simulate-research-query',
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
      taskSupport: 'required',
    },
  ],
  'mcp-server-memory': [
    {
      name: 'create_entities',
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    {
      name: 'create_relations',
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    {
      name: 'add_observations',
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      },
    },
    {
      name: 'delete_entities',
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'delete_observations',
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'delete_relations',
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'read_graph',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'search_nodes',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: 'open_nodes',
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
  ],
};

import { z } from 'zod';
import { contract } from '../../../src-shared/contract/index.ts';
import type { BatonTool } from '../tool.ts';
import { clipped, defineTool, READ_ONLY } from '../tool.ts';

const searchInput = contract['memory.search'].input
  .pick({
    query: true,
    type: true,
    plan_id: true,
    project_id: true,
    agent: true,
    tag: true,
    since: true,
    until: true,
  })
  .extend({
    limit: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(20)
      .describe('How many entries, best match first (20 by default).'),
  });

/** Memory: read an entry, search entries, write a note. */
export const memoryTools: BatonTool[] = [
  defineTool({
    name: 'read_memory',
    title: 'Read a memory entry',
    description:
      "Reads one memory entry by id: a run's build_log (delegated and unassigned tasks), a task_result, a decider's decision, or a note an agent wrote.",
    input: contract['memory.read'].input,
    hints: READ_ONLY,
    call: (client, args) => client.invoke('memory.read', args),
  }),
  defineTool({
    name: 'search_memory',
    title: 'Search memory',
    description:
      "Searches memory entries (build logs, task results, decisions, notes) by full text (`query`, words match by prefix) and filters: type, plan, project, part of the writing agent's id, tag, time window (ISO dates). Answers each entry with a snippet (matches in [[ ]]) and its content (long content is cut: read_memory has it whole).",
    input: searchInput,
    hints: READ_ONLY,
    async call(client, args) {
      const hits = await client.invoke('memory.search', args);
      return hits.map(({ entry, snippet }) => ({
        id: entry.id,
        type: entry.type,
        agent_id: entry.agent_id,
        tags: entry.tags,
        task_id: entry.task_id,
        created_at: entry.created_at,
        snippet,
        content: clipped(entry.content),
      }));
    },
  }),
  defineTool({
    name: 'write_memory',
    title: 'Write a note to memory',
    description:
      "Writes a note to Baton's memory, where people and other agents search it: text or a JSON object (64 KB at most), your agent id as its writer (tagged by:<agent_id>), your own tags, and what it is about (a run, a plan or a project; a task with its run). Only notes: build logs, task results and decisions are Baton's own.",
    input: contract['memory.write'].input,
    hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    call: (client, args) => client.invoke('memory.write', args),
  }),
];

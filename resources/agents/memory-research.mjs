#!/usr/bin/env node
// Example Baton command agent (the laptops example's research agent): researches what Baton has
// stored. Its task names what to look for in `inputs.memory_query`; Baton searches its memory
// (the notes people and agents wrote) and hands the matches in the context as `memory`. The agent
// reads them, writes findings.md (an artifact) and answers { topic, findings, sources }.
// Offline: it reaches nothing but the context Baton gave it.
// Usage: node memory-research.mjs [context.json]   (without an argument the context is read from stdin)
import { readFileSync, writeFileSync } from 'node:fs';

const context = JSON.parse(readFileSync(process.argv[2] ?? 0, 'utf8'));
const memory = context.memory;
if (!memory) {
  console.log("::error give the task inputs.memory_query: what to look for in Baton's memory");
  process.exit(1);
}
const topic = context.task.description.replace(/^research\s+/i, '').trim() || memory.query;
console.log(`::progress 20 searching Baton's memory for "${memory.query}"`);

/** One finding per note: its text, on one line. */
const textOf = (content) =>
  (typeof content === 'string' ? content : (content.text ?? content.summary ?? JSON.stringify(content)))
    .replace(/\s+/g, ' ')
    .trim();
const findings = memory.hits.map((hit) => ({ source: hit.id, by: hit.agent_id, text: textOf(hit.content) }));
console.log(`::progress 80 ${findings.length} note(s) found`);

const lines = [
  `# Research: ${topic}`,
  '',
  findings.length === 0
    ? `Baton's memory holds nothing on "${memory.query}" yet.`
    : `What Baton's memory holds on "${memory.query}" (${findings.length} note${findings.length === 1 ? '' : 's'}):`,
  '',
  ...findings.map((f) => `- ${f.text} (note ${f.source}, by ${f.by})`),
  '',
];
writeFileSync('findings.md', lines.join('\n'));
console.log(
  `::result ${JSON.stringify({ topic, query: memory.query, findings, sources: findings.map((f) => f.source) })}`,
);

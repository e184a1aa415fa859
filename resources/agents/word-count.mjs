#!/usr/bin/env node
// Example Baton command agent: counts the words of its task description and of what its
// dependencies produced, writes report.md (an artifact) and answers with the counts.
// Usage: node word-count.mjs [context.json]   (without an argument the context is read from stdin)
import { readFileSync, writeFileSync } from 'node:fs';

const context = JSON.parse(readFileSync(process.argv[2] ?? 0, 'utf8'));
const progress = (percent, message) => console.log(`::progress ${percent} ${message}`);

/** Every string inside a JSON value (keys excluded): the words of an output, not its braces. */
const strings = (value) =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(strings)
      : value !== null && typeof value === 'object'
        ? Object.values(value).flatMap(strings)
        : [];
const countWords = (texts) => texts.reduce((n, t) => n + (t.match(/\S+/g) ?? []).length, 0);

progress(10, 'counting the task description');
const rows = [{ source: `task ${context.task.task_id}`, words: countWords([context.task.description]) }];
const deps = context.dependencies ?? [];
deps.forEach((dep, i) => {
  progress(10 + Math.round((80 * (i + 1)) / deps.length), `counting the output of ${dep.task_id}`);
  rows.push({ source: `dependency ${dep.task_id} (${dep.status})`, words: countWords(strings(dep.output)) });
});
const total = rows.reduce((n, r) => n + r.words, 0);

const report = [
  `# Word count for ${context.task.task_id}`,
  '',
  '| Source | Words |',
  '| --- | ---: |',
  ...rows.map((r) => `| ${r.source} | ${r.words} |`),
  `| **Total** | **${total}** |`,
  '',
].join('\n');
writeFileSync('report.md', report);
progress(100, 'report written');
console.log(`counted ${total} words in ${rows.length} sources`);
console.log(`::result ${JSON.stringify({ total, counts: rows, report: 'report.md' })}`);

#!/usr/bin/env node
// Example Baton command agent (the laptops example's communication agent): drafts an email from
// what the tasks it depends on found. The recipient is `inputs.to`, else the first address in the
// task's description. Writes draft.eml (RFC 5322, plain text: open it in a mail client) and
// answers { to, subject, eml, findings }. It sends nothing.
// Usage: node draft-email.mjs [context.json]   (without an argument the context is read from stdin)
import { readFileSync, writeFileSync } from 'node:fs';

const context = JSON.parse(readFileSync(process.argv[2] ?? 0, 'utf8'));
const { task } = context;
const to =
  typeof task.inputs?.to === 'string'
    ? task.inputs.to
    : task.description.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/)?.[0];
if (!to) {
  console.log('::error no recipient: give inputs.to, or an address in the description');
  process.exit(1);
}
const research = context.dependencies.map((d) => d.output).filter((o) => o && Array.isArray(o.findings));
const topic = research[0]?.topic ?? task.description;
const findings = research.flatMap((r) => r.findings);
const subject = `Research: ${topic}`;
const name = context.agent.name ?? context.agent.id;
const body = [
  'Hello,',
  '',
  findings.length === 0
    ? `I looked into ${topic}, and found nothing on it yet.`
    : `Here is what I found on ${topic}:`,
  '',
  ...findings.map((f) => `- ${f.text}`),
  '',
  'Best regards,',
  name,
  '',
];
// Headers in ASCII (a subject with other characters is RFC 2047-encoded), lines ending in CRLF.
const header = (value) =>
  /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
const eml = [
  `From: ${header(name)} <baton@localhost>`,
  `To: ${to}`,
  `Subject: ${header(subject)}`,
  `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  'X-Unsent: 1',
  '',
  ...body,
].join('\r\n');
writeFileSync('draft.eml', eml);
console.log(`::result ${JSON.stringify({ to, subject, eml: 'draft.eml', findings: findings.length })}`);

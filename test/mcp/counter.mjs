// Appends `<label> start` to count.log in the current folder, waits `ms` (default 0), then
// appends `<label> end`: what a tool that changes something looks like to tool-kill.test.ts.
import { appendFileSync } from 'node:fs';

const [label, ms = '0'] = process.argv.slice(2);
appendFileSync('count.log', `${label} start\n`);
await new Promise((r) => setTimeout(r, Number(ms)));
appendFileSync('count.log', `${label} end\n`);

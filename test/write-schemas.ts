// `npm run schemas`: regenerate resources/schemas/*.json from the zod schemas.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planJsonSchema } from '../src-shared/schemas/plan-json-schema.ts';
import { webhookPayloadJsonSchema } from '../src-shared/schemas/webhook.ts';

const file = join(import.meta.dirname, '..', 'resources', 'schemas', 'plan.schema.json');
writeFileSync(file, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);

const payload = join(import.meta.dirname, '..', 'resources', 'schemas', 'webhook-payload.schema.json');
writeFileSync(payload, `${JSON.stringify(webhookPayloadJsonSchema(), null, 2)}\n`);
console.log(`wrote ${payload}`);

// `npm run schemas`: regenerate resources/schemas/*.json from the zod schemas.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planJsonSchema } from '../src-shared/schemas/plan-json-schema.ts';

const file = join(import.meta.dirname, '..', 'resources', 'schemas', 'plan.schema.json');
writeFileSync(file, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);

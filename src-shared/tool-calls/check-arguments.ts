import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/client/validators/cf-worker';

/**
 * Tool call arguments a person edited, checked against the tool's input JSON Schema with a
 * maintained validator (@cfworker/json-schema, bundled by the MCP client: no code generation, so
 * it runs in the page under its content security policy as well as in the host). The inbox and
 * `approvals.decide` use this one check, so the page and the host agree. What is wrong is said
 * in words, naming the argument: `content is required but missing`, `path must be a string, not
 * a number`.
 */

/** What is wrong with arguments: the argument (`edits[0].oldText`; empty for the whole) and what. */
export interface ArgumentProblem {
  field: string;
  message: string;
}

type Validate = (input: unknown) => { valid: boolean; errorMessage?: string | undefined };

/**
 * The tool's check, or null when its schema cannot be used (a dialect the validator does not
 * know, a malformed schema): such arguments are not checked, as the tool itself would check them.
 */
function validatorOf(schema: Record<string, unknown>): Validate | null {
  try {
    return new CfWorkerJsonSchemaValidator({ shortcircuit: true }).getValidator(schema as never);
  } catch {
    const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
    if (!/draft-04/.test(dialect)) return null;
    try {
      return new CfWorkerJsonSchemaValidator({ shortcircuit: true, draft: '4' }).getValidator(
        schema as never,
      );
    } catch {
      return null;
    }
  }
}

/** The first thing wrong with `input` under `schema`, or null when it passes (or cannot be checked). */
export function checkArguments(
  input: unknown,
  schema: Record<string, unknown> | null,
): ArgumentProblem | null {
  if (!schema) return null;
  const validate = validatorOf(schema);
  if (!validate) return null;
  let result: ReturnType<Validate>;
  try {
    result = validate(input);
  } catch {
    return null;
  }
  if (result.valid) return null;
  return problemOf(result.errorMessage ?? '');
}

/** A problem as one line: `path must be a string, not a number`. */
export function problemText(p: ArgumentProblem): string {
  return p.field ? `${p.field} ${p.message}` : `The arguments ${p.message}`;
}

/** Messages that only say a deeper part failed: the deeper one says what. */
const WRAPPERS = [
  /^Property ".*" does not match schema\.$/,
  /^Items did not match schema\.$/,
  /^Item at index \d+ does not match schema\.$/,
  /^Items? did not match (?:contains|prefixItems|additionalItems) schema\.$/,
  /^False boolean schema\.$/,
  /^Array items? .*did not match schema\.$/,
];

/**
 * The validator's report (`#/path: message; #/path/deeper: message`) as one problem: the first
 * message that says what is wrong rather than that something below is, with the argument named.
 */
export function problemOf(report: string): ArgumentProblem {
  const units = report
    .split(/;\s(?=#)/)
    .map((u) => /^(#[^:]*): ([\s\S]*)$/.exec(u.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ at: pointerPath(m[1]!), text: m[2]!.trim() }));
  const unit = units.find((u) => !WRAPPERS.some((w) => w.test(u.text))) ?? units.at(-1);
  if (!unit) return { field: '', message: `do not match the tool's schema${report ? ` (${report})` : ''}` };
  const { at, text } = unit;
  let m = /^Instance does not have required property "(.*)"\.$/.exec(text);
  if (m) return { field: join(at, m[1]!), message: 'is required but missing' };
  m = /^Property "(.*)" does not match additional properties schema\.$/.exec(text);
  if (m) return { field: join(at, m[1]!), message: 'is not an argument this tool takes' };
  m = /^Instance type "(\w+)" is invalid\. Expected (.+)\.$/.exec(text);
  if (m) {
    const expected = m[2]!.replace(/"/g, '').split(/,\s*/).map(article).join(' or ');
    return { field: fieldName(at), message: `must be ${expected}, not ${article(m[1]!)}` };
  }
  m = /^Instance does not match any of (.+)\.$/.exec(text);
  if (m) return { field: fieldName(at), message: `must be one of ${m[1]}` };
  return { field: fieldName(at), message: `does not fit the tool's schema: ${text.replace(/\.$/, '')}` };
}

/** `a string`, `an integer`, `an object`. */
const article = (type: string) => `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;

/** `#/edits/0/oldText` → ['edits', 0, 'oldText']. */
function pointerPath(pointer: string): (string | number)[] {
  return pointer
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      const key = safeDecode(s).replace(/~1/g, '/').replace(/~0/g, '~');
      return /^\d+$/.test(key) ? Number(key) : key;
    });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `['edits', 0, 'oldText']` → `edits[0].oldText`. */
function fieldName(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

const join = (path: (string | number)[], key: string) => fieldName([...path, key]);

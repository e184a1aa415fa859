import type { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';

let validator: Promise<AjvJsonSchemaValidator> | null = null;
/** The validator (ajv, from the MCP client package), loaded at the first check: not at every start of Baton. */
const validatorOf = (): Promise<AjvJsonSchemaValidator> =>
  (validator ??= import('@modelcontextprotocol/client/validators/ajv').then(
    (m) => new m.AjvJsonSchemaValidator(),
  ));

/**
 * A task's answer against its `output_schema`: the JSON value, or what is wrong with it. The
 * text may be wrapped in a Markdown code fence, or be one inside prose (many models do it even
 * when told not to).
 */
export async function checkOutput(
  text: string,
  schema: Record<string, unknown>,
): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const body = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text)?.[1] ?? text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    // A fenced JSON block inside prose ("Here is the plan: ```json …```") is the answer.
    const fenced = /```(?:json)?\s*\n([\s\S]*?)\n\s*```/.exec(text)?.[1];
    try {
      if (fenced === undefined) throw err;
      value = JSON.parse(fenced);
    } catch {
      return { ok: false, error: `the answer is not JSON (${(err as Error).message})` };
    }
  }
  const v = await validatorOf();
  let check: ReturnType<ReturnType<typeof v.getValidator>>;
  try {
    check = v.getValidator(schema as Parameters<typeof v.getValidator>[0])(value);
  } catch (err) {
    return { ok: false, error: `the task's output_schema cannot be used: ${(err as Error).message}` };
  }
  return check.valid ? { ok: true, value } : { ok: false, error: check.errorMessage };
}

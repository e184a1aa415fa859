import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';

const validator = new AjvJsonSchemaValidator();

/**
 * A task's answer against its `output_schema`: the JSON value, or what is wrong with it. The
 * text may be wrapped in a Markdown code fence, or be one inside prose (many models do it even
 * when told not to).
 */
export function checkOutput(
  text: string,
  schema: Record<string, unknown>,
): { ok: true; value: unknown } | { ok: false; error: string } {
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
  let check: ReturnType<ReturnType<typeof validator.getValidator>>;
  try {
    check = validator.getValidator(schema as Parameters<typeof validator.getValidator>[0])(value);
  } catch (err) {
    return { ok: false, error: `the task's output_schema cannot be used: ${(err as Error).message}` };
  }
  return check.valid ? { ok: true, value } : { ok: false, error: check.errorMessage };
}

/** Parses a file's text as JSON; the error says which file. */
export function parseJsonFile(
  text: string,
  fileName: string,
): { ok: true; value: unknown } | { ok: false; title: string; error: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, title: `${fileName} is not valid JSON`, error };
  }
}

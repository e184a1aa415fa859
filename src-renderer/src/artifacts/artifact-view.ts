/** How an artifact is shown: each kind has its own view (components/runs/task-detail/ArtifactViewer.tsx). */
export type ArtifactKind = 'image' | 'json' | 'diff' | 'text' | 'binary';

/** What `runs.readArtifact` sends of a file. */
export interface ArtifactContent {
  encoding: 'utf8' | 'base64';
  content: string;
}

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  ico: 'image/x-icon',
  avif: 'image/avif',
};

const extension = (name: string) => /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';

/** The picture's media type, when the name says it is one the browser draws (never SVG: it can hold script). */
export const imageType = (name: string): string | null => IMAGE_TYPES[extension(name)] ?? null;

/**
 * Which view an artifact gets: by its name first (a picture, JSON, a patch), then by what it
 * holds (text that parses as JSON, or reads as a unified diff); text otherwise, and binary for
 * bytes that are not text.
 */
export function artifactKind(name: string, read: ArtifactContent): ArtifactKind {
  const ext = extension(name);
  if (imageType(name) && read.encoding === 'base64') return 'image';
  if (read.encoding === 'base64') return 'binary';
  if (ext === 'diff' || ext === 'patch' || looksLikeDiff(read.content)) return 'diff';
  if (ext === 'json' || ext === 'ndjson' || parsesAsJson(read.content)) return 'json';
  return 'text';
}

function looksLikeDiff(text: string): boolean {
  return (
    /^diff --git /m.test(text) || (/^--- .+$/m.test(text) && /^\+\+\+ .+$/m.test(text) && /^@@ /m.test(text))
  );
}

function parsesAsJson(text: string): boolean {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/**
 * JSON text laid out to read: pretty-printed when it parses (one value, or one per line for
 * NDJSON), else as it is (a file cut at the read limit, say).
 */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    const lines = text.split('\n').filter((l) => l.trim());
    try {
      return lines.map((l) => JSON.stringify(JSON.parse(l), null, 2)).join('\n');
    } catch {
      return text;
    }
  }
}

/** A line of a unified diff, by what it does. */
export type DiffLineKind = 'file' | 'hunk' | 'add' | 'del' | 'context' | 'meta';

/** Each line of a unified diff with its kind, for colouring. */
export function diffLines(text: string): { kind: DiffLineKind; text: string }[] {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => ({ kind: diffLineKind(line), text: line }));
}

function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith('+++ ') || line.startsWith('--- ') || line.startsWith('diff --git ')) return 'file';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  if (line.startsWith(' ') || line === '') return 'context';
  return 'meta';
}

/** What a diff adds and removes, in lines. */
export function diffCounts(lines: readonly { kind: DiffLineKind }[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === 'add') added++;
    else if (l.kind === 'del') removed++;
  }
  return { added, removed };
}

/** A byte count as a person reads it. */
export function byteSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

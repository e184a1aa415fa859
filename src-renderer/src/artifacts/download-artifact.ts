import type { Artifact } from '../../../src-shared/schemas/run.ts';
import { api } from '../api/client.ts';
import { downloadBlob } from '../designer/download.ts';

/** The bytes of base64 text. */
function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Downloads an artifact whole: read part by part (the host sends at most 1 MB a call, each
 * checked against the file's recorded sha256), in base64 so no byte is changed, and saved under
 * its own name (its last path segment).
 */
export async function downloadArtifact(artifact: Artifact): Promise<void> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let offset = 0;
  for (;;) {
    const read = await api.readArtifact(artifact.id, offset, 'base64');
    const part = bytesOf(read.content);
    parts.push(part);
    offset += part.length;
    if (!read.truncated || part.length === 0) break;
  }
  const name = artifact.name.split('/').at(-1) ?? artifact.name;
  downloadBlob(name, new Blob(parts, { type: 'application/octet-stream' }));
}

/** A picture's base64 content as a URL an <img> draws. */
export const dataUrl = (type: string, base64: string) => `data:${type};base64,${base64}`;

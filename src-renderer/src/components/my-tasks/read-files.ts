import type { HandedFile } from '../../api/client.ts';

/** Files picked in the browser as the contract's `files` (base64: any kind of file). */
export async function readFiles(files: File[]): Promise<HandedFile[]> {
  return Promise.all(
    files.map(async (f) => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { name: f.name, content: btoa(binary), encoding: 'base64' as const };
    }),
  );
}

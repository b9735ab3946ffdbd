import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ArchiveCorruptError, type ArchiveFileEntry } from './manifest.js';

/** The sha256 of a file's first `bytes` bytes; a file shorter than that is corrupt (truncated or replaced). */
export async function hashFile(path: string, bytes: number): Promise<Hash> {
  const size = await sizeOf(path);
  if (size === undefined)
    throw new ArchiveCorruptError(`archive file ${path} is missing: the manifest lists ${bytes} bytes of it`);
  if (size < bytes)
    throw new ArchiveCorruptError(`archive file ${path} is ${size} bytes, the manifest says ${bytes} bytes`);
  const hash = createHash('sha256');
  if (bytes === 0) return hash;
  for await (const chunk of createReadStream(path, { end: bytes - 1 })) hash.update(chunk as Buffer);
  return hash;
}

/**
 * Checks a file of the manifest: throws an ArchiveCorruptError naming it when its checksum differs. Resolves with
 * the hash of its committed bytes, which the writer extends when it appends.
 */
export async function verifyFile(dir: string, entry: ArchiveFileEntry): Promise<Hash> {
  const path = join(dir, entry.file);
  const hash = await hashFile(path, entry.bytes);
  const actual = hash.copy().digest('hex');
  if (actual !== entry.sha256)
    throw new ArchiveCorruptError(
      `archive file ${path} is corrupt: its sha256 is ${actual}, the manifest says ${entry.sha256}`,
    );
  return hash;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

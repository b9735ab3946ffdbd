import { randomBytes } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

export const MANIFEST_FILE = 'manifest.json';
const FORMAT = 'mqtt-status-relay event archive v1';

/** One archive file: a UTC day's events of one stream category, in position order. */
export interface ArchiveFileEntry {
  /** In the archive directory: `<day>.<category>.jsonl.gz`, e.g. `2026-12-02.client.jsonl.gz`. */
  file: string;
  category: string;
  /** The UTC day (YYYY-MM-DD) of the events' `metadata.occurredAt`. */
  day: string;
  fromPosition: number;
  toPosition: number;
  events: number;
  /** The file's committed length: bytes past it are an append that a crash cut short, never read. */
  bytes: number;
  /** sha256 (hex) of the file's first `bytes` bytes. */
  sha256: string;
}

export interface Manifest {
  format: string;
  files: ArchiveFileEntry[];
}

export class ArchiveCorruptError extends Error {
  override name = 'ArchiveCorruptError';
}

/** The manifest of `dir`; an empty one when the directory holds no archive yet. */
export async function readManifest(dir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { format: FORMAT, files: [] };
    throw error;
  }
  const manifest = JSON.parse(text) as Manifest;
  if (manifest.format !== FORMAT || !Array.isArray(manifest.files))
    throw new ArchiveCorruptError(`${join(dir, MANIFEST_FILE)} is not a manifest of "${FORMAT}"`);
  return manifest;
}

/**
 * Replaces the manifest atomically: a temporary file, fsynced, renamed over the old one, then the directory
 * fsynced so the rename itself survives a power loss. A reader sees the old manifest or the new one, never half.
 */
export async function writeManifest(dir: string, files: ArchiveFileEntry[]): Promise<void> {
  const sorted = [...files].sort((a, b) => a.file.localeCompare(b.file));
  const temporary = join(dir, `.${MANIFEST_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx');
  try {
    await handle.writeFile(`${JSON.stringify({ format: FORMAT, files: sorted }, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, join(dir, MANIFEST_FILE));
  await syncDirectory(dir);
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

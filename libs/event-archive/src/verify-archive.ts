import { verifyFile } from './archive-checksum.js';
import { readArchiveFile } from './archive-reader.js';
import { readManifest, type ArchiveFileEntry } from './manifest.js';

export interface FileVerdict {
  file: string;
  /** What is wrong with it; absent when its checksum, event count and positions match the manifest. */
  problem?: string;
}

/**
 * Checks every file of the manifest: its sha256, then that it decompresses to the event count and position range
 * the manifest lists, in increasing positions. One verdict per file, so one bad file does not hide the others.
 */
export async function verifyArchive(dir: string): Promise<FileVerdict[]> {
  const { files } = await readManifest(dir);
  const verdicts: FileVerdict[] = [];
  for (const entry of files) {
    try {
      await verifyFile(dir, entry);
      const problem = await contentProblem(dir, entry);
      verdicts.push(problem ? { file: entry.file, problem } : { file: entry.file });
    } catch (error) {
      verdicts.push({ file: entry.file, problem: (error as Error).message });
    }
  }
  return verdicts;
}

async function contentProblem(dir: string, entry: ArchiveFileEntry): Promise<string | undefined> {
  let [events, first, last] = [0, 0, 0];
  for await (const event of readArchiveFile(dir, entry)) {
    if (event.position <= last) return `position ${event.position} follows ${last}: not in position order`;
    [events, last] = [events + 1, event.position];
    if (events === 1) first = event.position;
  }
  if (events !== entry.events) return `${events} events, the manifest says ${entry.events}`;
  if (first !== entry.fromPosition || last !== entry.toPosition)
    return `positions ${first}–${last}, the manifest says ${entry.fromPosition}–${entry.toPosition}`;
  return undefined;
}

export { openEventArchive } from './file-event-archive.js';
export { readArchive, archiveFilesFor, type ReadArchiveOptions } from './archive-reader.js';
export { verifyArchive, type FileVerdict } from './verify-archive.js';
export {
  ArchiveCorruptError,
  MANIFEST_FILE,
  readManifest,
  type ArchiveFileEntry,
  type Manifest,
} from './manifest.js';

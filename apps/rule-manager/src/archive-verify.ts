import { readManifest, verifyArchive } from '#libs/event-archive';
import { exitOnCommandFailure, loadConfig } from '#libs/platform';

/**
 * `npm run archive:verify [-- <dir>]`: checks every file of the archive (ARCHIVE_DIR, or the directory given)
 * against its manifest: sha256, event count, position range. One line per bad file; exit 1 when there is one.
 */
async function verify(): Promise<void> {
  const dir = process.argv[2] ?? loadConfig().archiveDir;
  if (dir === undefined) throw new Error('no archive to verify: set ARCHIVE_DIR or give the directory');
  const { files } = await readManifest(dir);
  if (files.length === 0) throw new Error(`${dir} holds no archive (no manifest.json, or it lists no file)`);
  const verdicts = await verifyArchive(dir);
  const bad = verdicts.filter((verdict) => verdict.problem !== undefined);
  for (const { file, problem } of bad) process.stderr.write(`archive:verify: ${file}: ${problem}\n`);
  const events = files.reduce((sum, entry) => sum + entry.events, 0);
  process.stdout.write(
    `archive:verify: ${verdicts.length - bad.length} of ${verdicts.length} files match the manifest ` +
      `(${events} events) in ${dir}\n`,
  );
  if (bad.length > 0) process.exitCode = 1;
}

verify().catch(exitOnCommandFailure('archive:verify'));

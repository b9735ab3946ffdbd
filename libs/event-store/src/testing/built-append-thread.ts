import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The SQLite append thread runs compiled code, so tests of the TypeScript sources start the build's
 * (`npm test` builds before jest runs).
 */
export function builtAppendThread(): URL {
  const script = new URL(
    '../../../../dist/libs/event-store/src/sqlite/sqlite.append-thread.js',
    import.meta.url,
  );
  if (!existsSync(fileURLToPath(script)))
    throw new Error(`${fileURLToPath(script)} is missing: run npm run build before these tests`);
  return script;
}

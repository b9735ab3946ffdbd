import { BackupRefusedError } from '#libs/event-store';
import { exitOnCommandFailure } from '#libs/platform';

/** A command line the operator must change: the message names the argument. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface StoreCommandArguments {
  file: string;
  force: boolean;
}

/** `<file> [--force]`; `--force` only where `allowForce`. */
export function parseStoreCommandArguments(
  command: string,
  args: string[],
  { allowForce }: { allowForce: boolean },
): StoreCommandArguments {
  const usage = `usage: npm run ${command} -- <file>${allowForce ? ' [--force]' : ''}`;
  const options = args.filter((arg) => arg.startsWith('--'));
  const unknown = options.find((option) => !(allowForce && option === '--force'));
  if (unknown !== undefined) throw new UsageError(`unknown option ${unknown} (${usage})`);
  const files = args.filter((arg) => !arg.startsWith('--'));
  if (files.length !== 1)
    throw new UsageError(`<file> is required, exactly one (${files.length} given; ${usage})`);
  return { file: files[0], force: options.includes('--force') };
}

/** Runs the command; a refusal or a bad argument is one line naming what to change, anything else a failure. */
export function runStoreCommand(command: string, work: () => Promise<void>): void {
  work().catch((error: unknown) => {
    if (!(error instanceof UsageError || error instanceof BackupRefusedError))
      return exitOnCommandFailure(command)(error);
    process.stderr.write(`${command}: refused: ${error.message}\n`);
    return process.exit(error instanceof UsageError ? 2 : 1);
  });
}

export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

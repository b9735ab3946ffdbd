import { busCaller, busSecret, exitOnStartupFailure, loadConfig, ownerOnlyFiles } from '#libs/platform';

/**
 * `npm run bus:caller-key -- <name>`: prints the key of bus caller `<name>`, derived from the apps' BUS_SECRET
 * (or DATA_DIR/bus.secret), for a script or service that calls the bus. With it that caller proves its own name
 * (recorded as actor `bus:<name>`) and no other, and never holds BUS_SECRET itself.
 */
function callerKey(): void {
  ownerOnlyFiles();
  const name = process.argv[2] ?? '';
  const config = loadConfig();
  try {
    process.stdout.write(`${busCaller(busSecret(config), name).key.toString('base64')}\n`);
  } catch (error) {
    process.stderr.write(`bus:caller-key: ${(error as Error).message}: npm run bus:caller-key -- <name>\n`);
    process.exitCode = 1;
  }
}

try {
  callerKey();
} catch (error) {
  exitOnStartupFailure('bus:caller-key')(error);
}

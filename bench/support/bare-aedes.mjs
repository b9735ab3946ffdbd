// A bare aedes broker (no hooks, no store): the yardstick presence-ingest is measured against.
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const broker = await Aedes.createBroker();
createServer(broker.handle).listen(Number(process.argv[2]), '127.0.0.1', () => console.log('ready'));
// Exits on SIGTERM like the apps do, so `--cpu-prof` (BENCH_NODE_FLAGS) writes its profile.
process.on('SIGTERM', () => process.exit(0));

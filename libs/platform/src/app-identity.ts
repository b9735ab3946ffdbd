import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Which release this process runs and for how long: what an app answers in its status over the bus. */
export interface AppIdentity {
  version: string;
  /** When the process started (ISO 8601). */
  startedAt: string;
  uptimeSeconds: number;
}

/** The project's package.json version, found upwards from this file (sources and dist/ alike). */
function projectVersion(): string {
  for (let directory = import.meta.dirname; ; directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
      if (name === 'mqtt-status-relay' && typeof version === 'string') return version;
    }
    if (dirname(directory) === directory) return 'unknown';
  }
}

const VERSION = projectVersion();

export function appIdentity(): AppIdentity {
  const uptime = process.uptime();
  return {
    version: VERSION,
    startedAt: new Date(Date.now() - uptime * 1000).toISOString(),
    uptimeSeconds: Math.round(uptime),
  };
}

import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';

/**
 * The ops console: static HTML, CSS and browser modules with no build step, read from the sources
 * (`apps/rule-manager/console`, the same path from `dist/apps/rule-manager/src/console`). It calls the public API
 * like any other client, so it needs no route of its own; API, docs, health and metrics routes stay as they are.
 */
export const CONSOLE_DIRECTORY = fileURLToPath(
  new URL('../../../../../apps/rule-manager/console/', import.meta.url),
);

export function serveConsole(app: NestExpressApplication): void {
  app.useStaticAssets(CONSOLE_DIRECTORY, { index: 'index.html', fallthrough: true });
}

import type { INestApplication } from '@nestjs/common';
import { slowDown } from 'express-slow-down';
import helmet from 'helmet';

/** Refused tokens one address may present within FAILED_TOKEN_WINDOW_MS before its API requests are slowed. */
export const FAILED_TOKENS_ALLOWED = 5;
export const FAILED_TOKEN_WINDOW_MS = 15 * 60_000;
/** Each refused token past the allowance adds this much delay to the address's requests, up to MAX_DELAY_MS. */
export const DELAY_STEP_MS = 500;
const MAX_DELAY_MS = 10_000;

/**
 * The HTTP defences in front of every route: the standard security headers (helmet's defaults: a same-origin
 * Content-Security-Policy, which the console meets with no inline script, nosniff, frame-ancestors, HSTS …), and
 * token guessing slowed per client address. Only answers of 401 count, so a busy, well-behaved client is never
 * slowed; once an address has guessed too often, its requests wait until the window of its failures has passed.
 * The counts are this process's (behind a proxy, set the address Express sees with `trust proxy`).
 */
export function hardenHttp(app: INestApplication): void {
  app.use(
    helmet({
      // The app itself serves plain HTTP (TLS ends at a proxy, if any): asking browsers to upgrade would break it.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  app.use(
    '/api',
    slowDown({
      windowMs: FAILED_TOKEN_WINDOW_MS,
      delayAfter: FAILED_TOKENS_ALLOWED,
      delayMs: (used) => (used - FAILED_TOKENS_ALLOWED) * DELAY_STEP_MS,
      maxDelayMs: MAX_DELAY_MS,
      skipSuccessfulRequests: true,
      requestWasSuccessful: (_request, response) => response.statusCode !== 401,
    }),
  );
}

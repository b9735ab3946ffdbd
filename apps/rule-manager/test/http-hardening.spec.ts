import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DELAY_STEP_MS, FAILED_TOKENS_ALLOWED } from '../src/http/http-hardening.js';
import { ADMIN_SECRET, startRuleManager } from './support/rule-manager-harness.js';

/**
 * The HTTP API behind the standard security headers (the console's are checked in its browser tests), and token
 * guessing slowed down.
 */
let api: Awaited<ReturnType<typeof startRuleManager>>;

beforeAll(async () => {
  api = await startRuleManager();
});

afterAll(() => api.stop());

/** How long a GET of the rules takes with this token, and its status. */
async function timed(token: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${api.base}/api/v1/rules`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

describe('security headers', () => {
  it.each(['/api/v1/rules', '/api/docs', '/health'])('are on %s, with no X-Powered-By', async (path) => {
    const response = await fetch(`${api.base}${path}`, {
      headers: { authorization: `Bearer ${ADMIN_SECRET}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(
      /default-src 'self'.*frame-ancestors 'self'/,
    );
    expect(response.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('repeated failed tokens from one address', () => {
  it('never slow a client whose tokens are good', async () => {
    for (let i = 0; i < FAILED_TOKENS_ALLOWED * 3; i++) {
      expect(await timed(ADMIN_SECRET)).toMatchObject({ status: 200, ms: expect.any(Number) });
    }
    expect((await timed(ADMIN_SECRET)).ms).toBeLessThan(DELAY_STEP_MS);
  });

  it('are answered at once up to the allowance, then each one later than the one before', async () => {
    for (let i = 0; i < FAILED_TOKENS_ALLOWED; i++) {
      const answer = await timed(`guess-${i}`);
      expect(answer.status).toBe(401);
      expect(answer.ms).toBeLessThan(DELAY_STEP_MS);
    }
    const sixth = await timed('guess-6');
    const seventh = await timed('guess-7');
    expect(sixth).toMatchObject({ status: 401 });
    expect(sixth.ms).toBeGreaterThanOrEqual(DELAY_STEP_MS);
    expect(seventh.ms).toBeGreaterThanOrEqual(2 * DELAY_STEP_MS);
  });
});

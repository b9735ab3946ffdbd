import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { E2E_ADMIN_SECRET, isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { ConsoleBrowser } from '../support/console-browser.js';
import { apiOf, mqttConnector } from '../support/system-clients.js';

/** The console's Overview in Debian's Chromium, on the three apps as processes and real MQTT clients. */
const IMAGES = resolve(import.meta.dirname, '../../docs/images');
let env: Record<string, string>;
let apps: RunningApp[] = [];
let browser: ConsoleBrowser;
let page: Page;
const clients: MqttClient[] = [];

const connect = (clientId: string) => mqttConnector(env, clients)(clientId);
const stat = (key: string, value: string) =>
  page.locator(`[data-stat="${key}"] dd`, { hasText: new RegExp(`^${value}$`) }).waitFor();

beforeAll(async () => {
  env = await isolatedEnv();
  browser = await ConsoleBrowser.launch(env['HTTP_PORT']!);
  apps = await Promise.all([
    startApp('rule-manager', env),
    startApp('presence-ingest', env),
    startApp('rocketmq-dispatch', env),
  ]);
  await apiOf(env)('POST', '/api/v1/groups', { groupId: 'GID_overview' });
  page = await browser.open(undefined, 15_000);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.end(true);
  await browser?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

describe('the console overview', () => {
  it('lands on the overview after sign-in, with the online count and a group', async () => {
    await connect('GID_overview@@@van-1');
    await browser.signIn(page, E2E_ADMIN_SECRET);
    await stat('online', '1');
    await page.getByRole('cell', { name: 'GID_overview' }).waitFor();
  });

  it('is served with the standard security headers, which its scripts keep to', async () => {
    for (const path of ['/', '/app.js', '/styles.css']) {
      const { headers } = await fetch(browser.url(path));
      expect(headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'/);
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-powered-by')).toBeNull();
    }
    expect(browser.pageErrors).toEqual([]);
  });

  it('updates without reload when a client connects', async () => {
    const url = page.url();
    await connect('GID_overview@@@van-2');
    await stat('online', '2');
    await stat('connects', '2');
    expect(page.url()).toBe(url);
    await browser.screenshot(page, 'console-overview', join(IMAGES, 'console-overview.png'));
  });

  it('never lets a page that loads slowly cover the page the operator moved on to', async () => {
    const hurried = await browser.open();
    await browser.signIn(hurried, E2E_ADMIN_SECRET);
    await hurried.getByRole('link', { name: 'Clients' }).click();
    await hurried.getByRole('heading', { name: 'Clients', exact: true }).waitFor();
    // The Rules page's instance list answers late (the network is slowed, the API is real); the operator goes to
    // Groups meanwhile.
    let answered!: () => void;
    const lateAnswer = new Promise<void>((resolve) => (answered = resolve));
    await hurried.route(
      (url) => url.pathname === '/api/v1/rocketmq-instances',
      async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await route.continue();
        answered();
      },
    );
    await hurried.getByRole('link', { name: 'Rules', exact: true }).click();
    await hurried.getByRole('link', { name: 'Groups' }).click();
    await hurried.getByRole('cell', { name: 'GID_overview', exact: true }).waitFor();
    await lateAnswer;
    await hurried.waitForTimeout(200); // the late page's rendering, were it to happen
    await expect(hurried.getByRole('heading', { level: 1 }).allTextContents()).resolves.toEqual(['Groups']);
    await hurried.close();
  });

  it('shows an app that is stopped as unreachable, the rest still shown', async () => {
    await apps[2]!.stop();
    await page.locator('[data-app="rocketmq-dispatch"]', { hasText: 'unreachable' }).waitFor();
    await stat('dispatch', 'unreachable');
    await stat('online', '2');
    expect(browser.pageErrors).toEqual([]);
  });
});

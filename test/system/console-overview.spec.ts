import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { E2E_ADMIN_SECRET, isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { apiOf, mqttConnector } from '../support/system-clients.js';

/** The console's Overview in Debian's Chromium, on the three apps as processes and real MQTT clients. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const IMAGES = resolve(import.meta.dirname, '../../docs/images');
let env: Record<string, string>;
let apps: RunningApp[] = [];
let browser: Browser;
let page: Page;
const clients: MqttClient[] = [];
const pageErrors: string[] = [];

const connect = (clientId: string) => mqttConnector(env, clients)(clientId);
const stat = (key: string, value: string) =>
  page.locator(`[data-stat="${key}"] dd`, { hasText: new RegExp(`^${value}$`) }).waitFor();

beforeAll(async () => {
  // Fails loudly (no skip) when Chromium is missing: .ci/run installs it.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  env = await isolatedEnv();
  apps = await Promise.all([
    startApp('rule-manager', env),
    startApp('presence-ingest', env),
    startApp('rocketmq-dispatch', env),
  ]);
  await apiOf(env)('POST', '/api/v1/groups', { groupId: 'GID_overview' });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.end(true);
  await browser?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

describe('the console overview', () => {
  it('lands on the overview after sign-in, with the online count and a group', async () => {
    await connect('GID_overview@@@van-1');
    await page.goto(`http://127.0.0.1:${env['HTTP_PORT']}/`);
    await page.getByLabel('API token').fill(E2E_ADMIN_SECRET);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
    await stat('online', '1');
    await page.getByRole('cell', { name: 'GID_overview' }).waitFor();
  });

  it('updates without reload when a client connects', async () => {
    const url = page.url();
    await connect('GID_overview@@@van-2');
    await stat('online', '2');
    await stat('connects', '2');
    expect(page.url()).toBe(url);
    await page.screenshot({ path: join(IMAGES, 'console-overview.png'), fullPage: true });
  });

  it('shows an app that is stopped as unreachable, the rest still shown', async () => {
    await apps[2]!.stop();
    await page.locator('[data-app="rocketmq-dispatch"]', { hasText: 'unreachable' }).waitFor();
    await stat('dispatch', 'unreachable');
    await stat('online', '2');
    expect(pageErrors).toEqual([]);
  });
});

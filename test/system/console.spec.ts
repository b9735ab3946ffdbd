import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { E2E_ADMIN_SECRET, isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { ConsoleBrowser } from '../support/console-browser.js';
import { createTopic } from '../support/rocketmq.js';
import { apiOf, eventually, mqttConnector } from '../support/system-clients.js';

/** The ops console in Debian's Chromium, on the three apps, a real RocketMQ and MQTT client: click by click. */
const VIEWER_SECRET = 'e2e-viewer-secret-0123456789';
const TOPIC = `console-status-${Date.now()}`;
const GROUP = 'GID_console';
const RULE = 'console-status';
/** A DELAY topic accepts no status notification: its rule's notifications are dead-lettered. */
const DELAY_TOPIC = `console-delay-${Date.now()}`;

let env: Record<string, string>;
let apps: RunningApp[] = [];
let browser: ConsoleBrowser;
let page: Page;
const clients: MqttClient[] = [];

const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);
const connect = (clientId: string) => mqttConnector(env, clients)(clientId);

/** The rule's row on the Rules page (on a phone the cell's name also carries its column's). */
const ruleCell = (target: Page) => target.locator('td[data-label="Rule ID"]', { hasText: RULE });

/** Waits for the API's error shown next to a field (the field named as the API names it). */
const fieldError = (target: Page, field: string, text: string) =>
  target.locator(`[data-field="${field}"] .error`, { hasText: text }).waitFor();

beforeAll(async () => {
  await createTopic(TOPIC, { fifo: true });
  await createTopic(DELAY_TOPIC, { type: 'DELAY' });
  env = await isolatedEnv({
    API_TOKENS: `e2e:admin:${E2E_ADMIN_SECRET},watcher:viewer:${VIEWER_SECRET}`,
    // The dead letter below comes after 2 quick attempts.
    DISPATCH_MAX_ATTEMPTS: '2',
    DISPATCH_RETRY_BASE_MS: '100',
  });
  browser = await ConsoleBrowser.launch(env['HTTP_PORT']!);
  apps = await Promise.all([
    startApp('rule-manager', env),
    startApp('presence-ingest', env),
    startApp('rocketmq-dispatch', env),
  ]);
  page = await browser.open();
}, 60_000);

afterEach(() => {
  expect(browser.pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const client of clients) client.end(true);
  await browser?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

describe('the ops console', () => {
  it('signs in with an admin token kept in sessionStorage only', async () => {
    await browser.signInToRules(page, E2E_ADMIN_SECRET);
    await expect(page.locator('#who').textContent()).resolves.toContain('e2e (admin)');
    expect(await page.evaluate('[sessionStorage.length, localStorage.length]')).toEqual([1, 0]);
  });

  it('registers a RocketMQ instance and a group, the secret never shown back', async () => {
    await page.getByRole('link', { name: 'RocketMQ instances' }).click();
    await page.getByLabel('Instance ID').fill('rmq-local');
    await page.getByLabel('Region').fill('local');
    await page.getByLabel('Endpoints').fill(process.env['ROCKETMQ_ENDPOINT']!);
    await page.getByLabel('Access key').fill('console-ak');
    await page.getByLabel('Secret key').fill('console-secret-never-shown');
    await page.getByRole('button', { name: 'Register RocketMQ instance' }).click();
    await page.getByRole('cell', { name: 'console-ak (secret set)' }).waitFor();
    expect(await page.content()).not.toContain('console-secret-never-shown');
    await browser.screenshot(page, 'rocketmq-instances');

    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByLabel('Group ID').fill('GID_x');
    await page.getByRole('button', { name: 'Register group' }).click();
    await fieldError(page, 'groupId', 'GID_');
    await page.getByLabel('Group ID').fill(GROUP);
    await page.getByLabel('Description').fill('console devices');
    await page.getByRole('button', { name: 'Register group' }).click();
    await page.getByRole('cell', { name: GROUP, exact: true }).waitFor();
    await browser.screenshot(page, 'groups');
  });

  it('registers a remoting instance by its name server, the TLS refusal beside its field', async () => {
    await page.getByRole('link', { name: 'RocketMQ instances' }).click();
    await page.getByLabel('Instance ID').fill('rmq-remoting');
    await page.getByLabel('Region').fill('local');
    await page.getByLabel('Name server').fill(process.env['ROCKETMQ_NAMESRV']!);
    await page.getByLabel('TLS').selectOption('true');
    await page.getByRole('button', { name: 'Register RocketMQ instance' }).click();
    await fieldError(page, 'tls', 'plain TCP only');
    await page.getByLabel('TLS').selectOption('false');
    await page.getByRole('button', { name: 'Register RocketMQ instance' }).click();
    const row = page.getByRole('row').filter({ hasText: 'rmq-remoting' });
    await row.getByRole('cell', { name: 'Remoting (name server)' }).waitFor();
    await row.getByRole('cell', { name: process.env['ROCKETMQ_NAMESRV']! }).waitFor();
  });

  it('creates a rule through the three-step wizard, each API error beside its field', async () => {
    await page.getByRole('link', { name: 'Rules' }).click();
    await page.getByRole('link', { name: 'Create Rule' }).click();
    await page.getByLabel('Rule ID').fill('--');
    await page.getByRole('button', { name: 'Next' }).click();
    await fieldError(page, 'ruleId', '3–64');
    await page.getByLabel('Rule ID').fill(RULE);
    await page.getByLabel('Description').fill('online/offline of the console devices');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('group', { name: 'Step 2: Configure Rule Source' }).waitFor();
    await page.getByLabel('Group ID').selectOption(GROUP);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('RocketMQ Instance').selectOption('rmq-local');
    await page.getByLabel('Topic').fill('no-such-topic');
    await page.getByRole('button', { name: 'Create' }).click();
    await fieldError(page, 'target.topic', 'no-such-topic');
    await page.getByLabel('Topic').fill(TOPIC);
    await browser.screenshot(page, 'rule-wizard');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText(`Rule ${RULE} created.`).waitFor();
    await page.getByRole('cell', { name: TOPIC }).waitFor();
    await browser.screenshot(page, 'rules');
  });

  it('edits a rule with the keyboard: the rule ID shown read-only, Save on the last step', async () => {
    await page.getByRole('link', { name: `Edit ${RULE}` }).click();
    await page.getByRole('heading', { name: `Edit Rule ${RULE}` }).waitFor();
    expect(await page.getByLabel('Rule ID').isEditable()).toBe(false);
    await page.getByLabel('Description').fill('to the session service');
    const press = async (button: string) => {
      await page.getByRole('button', { name: button }).focus();
      await page.keyboard.press('Enter');
    };
    await press('Next');
    await page.getByRole('group', { name: 'Step 2: Configure Rule Source' }).waitFor();
    await press('Next');
    await page.getByRole('group', { name: 'Step 3: Configure Rule Destination' }).waitFor();
    await press('Save');
    await page.getByText(`Rule ${RULE} saved.`).waitFor();
    await page.getByRole('cell', { name: 'to the session service' }).waitFor();
  });

  it('shows an MQTT client online on the Clients page, with its channel and trace', async () => {
    await connect(`${GROUP}@@@device-1`);
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.getByLabel('Group ID').selectOption(GROUP);
    // Polling: the count appears without a reload.
    await page.getByText(`1 online in ${GROUP}`).waitFor();
    await page.getByRole('link', { name: `${GROUP}@@@device-1` }).click();
    await page.getByText('Online', { exact: true }).waitFor();
    await page.getByRole('cell', { name: 'accepted' }).waitFor();
    await browser.screenshot(page, 'clients');

    await page.getByRole('button', { name: 'Close connection' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Close connection' }).click();
    await page.getByText('Offline', { exact: true }).waitFor();
    await page.getByRole('cell', { name: 'closed by server' }).waitFor();
  });

  it('counts its notification on the Delivery page', async () => {
    await page.goto(browser.url(`/#/delivery/${RULE}`));
    await page.locator('[data-counter="forwarded"] dd', { hasText: /^[1-9]/ }).waitFor({ timeout: 20_000 });
    await page.getByRole('cell', { name: 'forwarded' }).first().waitFor();
    await browser.screenshot(page, 'delivery');
  });

  it('disables the rule through the confirmation dialog, and forwarding stops', async () => {
    await page.getByRole('link', { name: 'Rules' }).click();
    const more = page.getByLabel(`More actions for ${RULE}`);
    await more.focus();
    await page.keyboard.press('Enter');
    expect(await page.getByRole('button', { name: 'Disable' }).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await page.getByRole('button', { name: 'Disable' }).isVisible()).toBe(false);
    await more.click();
    await page.getByRole('button', { name: 'Disable' }).click();
    const dialog = page.getByRole('dialog', { name: `Disable rule ${RULE}?` });
    await dialog.getByRole('button', { name: 'Disable' }).click();
    await page.getByText(`Rule ${RULE} disabled.`).waitFor();
    await page.getByRole('cell', { name: 'Disabled' }).waitFor();

    const before = (await api('GET', `/api/v1/notifications?ruleId=${RULE}`)).body['total'];
    await connect(`${GROUP}@@@device-2`);
    // Once the connect is stored and seen, dispatch has had it too: give it a moment, then nothing more was sent.
    await eventually(
      async () => (await api('GET', `/api/v1/clients/${GROUP}@@@device-2/status`)).body,
      (body) => body['online'] === true,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await api('GET', `/api/v1/notifications?ruleId=${RULE}`)).body['total']).toBe(before);
  });

  it('shows the rule history as a timeline of who changed what', async () => {
    await page.getByRole('link', { name: `History of ${RULE}` }).click();
    const entries = page.locator('.timeline li');
    await entries.first().waitFor();
    await expect(entries.first().textContent()).resolves.toMatch(
      /Rule disabled.*by e2e.*statusENABLED → DISABLED/,
    );
    await expect(entries.last().textContent()).resolves.toContain('Rule created');
    await browser.screenshot(page, 'rule-history');
  });

  it('replays a time range of the rule from the Delivery page', async () => {
    await page.goto(browser.url(`/#/delivery/${RULE}`));
    await page.getByLabel('Event type').selectOption('connect');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.locator('#flash p').waitFor();
    expect(await page.locator('#flash').textContent()).toMatch(/^Replay \S+ started: 1 notification\.$/);
  });

  it('lists a dead letter on the Delivery page and redrives it', async () => {
    await api('POST', '/api/v1/groups', { groupId: 'GID_console_dl' });
    const created = await api('POST', '/api/v1/rules', {
      ruleId: 'console-dead-letters',
      status: 'ENABLED',
      ruleType: 'CLIENT_STATUS_NOTIFY',
      source: { groupId: 'GID_console_dl' },
      target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-local', topic: DELAY_TOPIC },
    });
    expect(created.status).toBe(201);
    await connect('GID_console_dl@@@device-1');
    await page.goto(browser.url(`/#/delivery/console-dead-letters`));
    const redrive = page.getByRole('button', { name: 'Redrive' });
    await redrive.first().waitFor({ timeout: 30_000 });
    await browser.screenshot(page, 'dead-letters');
    await redrive.first().click();
    await page.getByText(/^Redrive \S+ of GID_console_dl@@@device-1 seq 1 requested\.$/).waitFor();
    await page.getByRole('cell', { name: /^Requested / }).waitFor();
    // The topic still takes no such message: the redrive is dead-lettered again, a new dead letter.
    await page.getByText('2 dead letters').waitFor({ timeout: 30_000 });
  }, 90_000);

  it('shows a viewer no write buttons', async () => {
    const viewer = await browser.open();
    await browser.signInToRules(viewer, VIEWER_SECRET);
    await ruleCell(viewer).waitFor();
    expect(await viewer.getByRole('link', { name: 'Create Rule' }).count()).toBe(0);
    expect(await viewer.getByText('More').count()).toBe(0);
    expect(await viewer.getByRole('link', { name: `Edit ${RULE}` }).count()).toBe(0);
    await viewer.getByRole('link', { name: 'Groups' }).click();
    await viewer.getByRole('cell', { name: GROUP, exact: true }).waitFor();
    expect(await viewer.getByRole('button').filter({ hasNotText: 'Sign out' }).count()).toBe(0);
    await viewer.goto(browser.url(`/#/clients/${GROUP}@@@device-2`));
    await viewer.getByText('Online', { exact: true }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Close connection' }).count()).toBe(0);
    await viewer.close();
  });

  it('stays readable at a phone width', async () => {
    const phone = await browser.open({ width: 375, height: 740 });
    await browser.signInToRules(phone, E2E_ADMIN_SECRET);
    await ruleCell(phone).waitFor();
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await browser.screenshot(phone, 'rules-phone');
    await phone.close();
  });
});

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Client } from 'aedes';
import { APP_CONFIG, CredentialsCipher, type AppConfig } from '#libs/platform';
import { parseClientId } from '#libs/presence';
import { authorizeTopic } from '#libs/rules';
import { ControlPlaneView } from '../control-plane/control-plane.view.js';
import { PresenceMetrics } from '../metrics/presence-metrics.js';
import { PresenceRecorder } from '../recording/presence-recorder.js';
import { clientAddress } from './channel.js';
import { shown, type AdmissionRules } from './client-admission.js';
import { RefusalBudget } from './refusal-budget.js';
import { checkSignature, signatureAccessKey } from './signature-auth.js';
import { VerifiedPasswords } from './verified-passwords.js';

const isLoopback = (clientIp: string) => clientIp.startsWith('127.') || clientIp.startsWith('[::1]');

/**
 * Who may connect and what they may publish and subscribe to, as the control plane says now (followed from the
 * store, so devices keep connecting while rule-manager is down).
 */
@Injectable()
export class DeviceAccess {
  private readonly logger = new Logger('device-access');
  private readonly passwords = new VerifiedPasswords();
  private readonly traced: RefusalBudget;
  readonly admissionRules: AdmissionRules;
  readonly revocationRules;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly groups: ControlPlaneView,
    @Inject(CredentialsCipher) cipher: CredentialsCipher,
    private readonly recorder: PresenceRecorder,
    private readonly metrics: PresenceMetrics,
  ) {
    this.traced = new RefusalBudget(config.mqttLimits.refusalsTracedPerMinute);
    const signatures = {
      instanceId: config.instanceId,
      accessKey: (id: string) => groups.accessKey(id),
      decrypt: (ciphertext: string) => cipher.decrypt(ciphertext),
    };
    const shared = {
      credentialsFor: (clientId: string, groupId: string) => groups.credentialsFor(clientId, groupId),
      signatureKey: (username: string) => signatureAccessKey(username, signatures),
      allowAnonymous: config.mqttAllowAnonymous,
    };
    this.admissionRules = {
      ...shared,
      isRegistered: async (groupId) => {
        if (groups.has(groupId)) return true;
        await groups.refresh().catch(() => undefined); // registered a moment ago? look once more
        return groups.has(groupId);
      },
      verifyPassword: (password, hash) => this.passwords.verify(password, hash),
      checkSignature: (username, password, clientId) =>
        checkSignature(username, password, clientId, signatures),
      maxKeepaliveSeconds: config.mqttLimits.maxKeepaliveSeconds,
    };
    this.revocationRules = { ...shared, isRegisteredNow: (groupId: string) => groups.has(groupId) };
  }

  onRevocation(listener: () => void): void {
    this.groups.onChange(listener);
  }

  /** Why the client may not publish to `topic`, or undefined when it may. */
  refusePublish(client: Client, topic: string): string | undefined {
    return this.refuse(client, 'publish', topic);
  }

  refuseSubscribe(client: Client, filter: string): string | undefined {
    return this.refuse(client, 'subscribe', filter);
  }

  private refuse(client: Client, action: 'publish' | 'subscribe', topic: string): string | undefined {
    const parsed = parseClientId(client.id);
    if (!parsed.ok) return 'not a client of a registered group';
    const clientIp = clientAddress(client);
    const permissions = this.groups.topicPermissionsFor(parsed.clientId, parsed.groupId);
    const request = { action, topic, ...parsed, loopback: isLoopback(clientIp) };
    const answer = authorizeTopic(permissions, request);
    if (answer.allowed) return undefined;
    const detail = `${action} ${shown(topic)} refused: ${answer.rule}`;
    this.metrics.topicRefused(action);
    const now = Date.now();
    const trace = this.traced.take(client.id, now);
    if (trace.write) {
      this.logger.log(`${client.id} from ${clientIp}: ${detail}`);
      this.recorder.record({
        type: 'ClientTopicRefused',
        data: { clientId: client.id, clientIp, time: now, reason: 'not authorized', action, detail },
      });
    }
    return detail;
  }
}

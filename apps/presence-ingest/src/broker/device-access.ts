import { Inject, Injectable, Logger } from '@nestjs/common';
import { CredentialsCipher } from '#libs/credentials';
import { APP_CONFIG, type AppConfig } from '#libs/platform';
import { authorizeTopic } from '#libs/rules';
import { ControlPlaneView } from '../control-plane/control-plane.view.js';
import { PresenceMetrics } from '../metrics/presence-metrics.js';
import { PresenceRecorder } from '../recording/presence-recorder.js';
import type { Channel } from './channel.js';
import { shown, type AdmissionRules } from './client-admission.js';
import { RefusalBudget } from './refusal-budget.js';
import { checkSignature, signatureAccessKey } from './signature-auth.js';
import { VerifiedPasswords } from './verified-passwords.js';

/** An admitted client asking to publish or subscribe, as its channel knows it (nothing is looked up again). */
export type TopicRequester = Pick<Channel, 'clientIp' | 'loopback'> & {
  clientId: string;
  admission: NonNullable<Channel['admission']>;
};

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

  /** Why the client may not publish or subscribe to `topic` (counted and traced), or undefined when it may. */
  refuse(requester: TopicRequester, action: 'publish' | 'subscribe', topic: string): string | undefined {
    const { clientId, clientIp, loopback, admission } = requester;
    const { groupId, deviceId } = admission;
    const permissions = this.groups.topicPermissionsFor(clientId, groupId);
    const answer = authorizeTopic(permissions, { action, topic, clientId, groupId, deviceId, loopback });
    if (answer.allowed) return undefined;
    const detail = `${action} ${shown(topic)} refused: ${answer.rule}`;
    this.metrics.topicRefused(action);
    const now = Date.now();
    if (this.traced.take(clientId, now).write) {
      this.logger.log(`${clientId} from ${clientIp}: ${detail}`);
      this.recorder.record({
        type: 'ClientTopicRefused',
        data: { clientId, clientIp, time: now, reason: 'not authorized', action, detail },
      });
    }
    return detail;
  }
}

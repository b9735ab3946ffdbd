import type { TopicPermissionsData } from './control-plane.events.js';
import { coversFilter, hasWildcard, matchesTopic, topicFilterProblem } from './topic-filter.js';

export type TopicAction = 'publish' | 'subscribe';

export interface TopicRequest {
  action: TopicAction;
  /** The PUBLISH topic name, or the SUBSCRIBE topic filter. */
  topic: string;
  clientId: string;
  groupId: string;
  deviceId: string;
  /** The client connected from a loopback address (127.0.0.0/8, ::1). */
  loopback: boolean;
}

export type TopicDecision = { allowed: true } | { allowed: false; rule: string };

export const TOPIC_PLACEHOLDERS = ['${clientid}', '${groupid}', '${deviceid}'] as const;
const PLACEHOLDER = /\$\{(clientid|groupid|deviceid)\}/g;

const ALLOWED: TopicDecision = { allowed: true };
const DEFAULT_RULE = 'default: # and $SYS/# subscriptions only from loopback';
/** A value carrying one of these would turn a placeholder into a wider filter than its author wrote. */
const UNSAFE_CHARACTERS = ['/', '+', '#', '\u0000'];

/**
 * May this client publish to / subscribe to this topic? `permissions` are the ones that apply (the device's own,
 * else its group's). Without any, EMQX's default holds: everything, except that only loopback clients may
 * subscribe to `#`, `+/#` or `$SYS`. With some, they are the whole answer: what they do not allow is refused.
 */
export function authorizeTopic(
  permissions: TopicPermissionsData | undefined,
  request: TopicRequest,
): TopicDecision {
  const { action } = request;
  if (action === 'publish' && hasWildcard(request.topic)) {
    return { allowed: false, rule: 'a PUBLISH topic name may not contain + or #' };
  }
  const topic = action === 'subscribe' ? withoutShareName(request.topic) : request.topic;
  // The 256-character bound is for allow-list entries; what a client may ask for is MQTT's to limit.
  if (topic === undefined || (action === 'subscribe' && topicFilterProblem(topic, Infinity))) {
    return { allowed: false, rule: 'not a valid topic filter' };
  }
  if (!permissions) return defaultDecision(action, topic, request.loopback);
  const allows = action === 'publish' ? matchesTopic : coversFilter;
  const granted = permissions[action].some((entry) => {
    const filter = withPlaceholders(entry, request);
    return filter !== undefined && allows(filter, topic);
  });
  if (granted) return ALLOWED;
  return { allowed: false, rule: `not in the ${permissions.scope} ${permissions.id} ${action} allow-list` };
}

function defaultDecision(action: TopicAction, topic: string, loopback: boolean): TopicDecision {
  if (action === 'publish' || loopback) return ALLOWED;
  const everything = topic === '#' || topic === '+/#';
  return everything || topic.split('/')[0] === '$SYS' ? { allowed: false, rule: DEFAULT_RULE } : ALLOWED;
}

/**
 * A shared subscription (`$share/<name>/<filter>`) receives what its filter matches: that filter is what is
 * authorized, so `$share/g/#` is refused wherever `#` is. Undefined when nothing follows the share name.
 */
function withoutShareName(filter: string): string | undefined {
  if (!filter.startsWith('$share/')) return filter;
  const rest = filter.indexOf('/', '$share/'.length);
  return rest < 0 || rest === filter.length - 1 ? undefined : filter.slice(rest + 1);
}

/** The entry with the requester's values in; undefined (matches nothing) when a value is unsafe there. */
function withPlaceholders(entry: string, request: TopicRequest): string | undefined {
  const values: Record<string, string> = {
    clientid: request.clientId,
    groupid: request.groupId,
    deviceid: request.deviceId,
  };
  let unsafe = false;
  const filter = entry.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name] ?? '';
    if (value === '' || UNSAFE_CHARACTERS.some((c) => value.includes(c))) unsafe = true;
    return value;
  });
  return unsafe ? undefined : filter;
}

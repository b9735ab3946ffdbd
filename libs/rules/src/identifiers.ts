/** Identifier formats of SPEC §2 for rules and their RocketMQ destinations. */

export const RULE_ID_MAX_LENGTH = 64;
/** 3–64 of `[A-Za-z0-9_-]` with at least one letter or digit. */
export const RULE_ID_PATTERN = /^(?=.*[A-Za-z0-9])[A-Za-z0-9_-]{3,64}$/;
export const TOPIC_PATTERN = /^(?!CID|GID)[A-Za-z0-9_-]{3,64}$/;
export const ROCKETMQ_INSTANCE_ID_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;
export const REGION_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** The gRPC proxy address: `host:port`. */
export const ENDPOINTS_PATTERN = /^[A-Za-z0-9.-]+:\d{1,5}$/;
/** The name servers of a remoting (RocketMQ 4.x) instance: `host:port[;host:port…]`, at most 16. */
export const NAME_SERVER_PATTERN = /^[A-Za-z0-9.-]+:\d{1,5}(;[A-Za-z0-9.-]+:\d{1,5}){0,15}$/;
export const DESCRIPTION_MAX_LENGTH = 256;

/** The original product truncates a longer rule ID to 64 characters instead of refusing it; so do we. */
export function normalizeRuleId(ruleId: string): string {
  return ruleId.slice(0, RULE_ID_MAX_LENGTH);
}

import { ConfigError } from './config-error.js';

export const API_ROLES = ['admin', 'viewer'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** A bearer token for rule-manager's API. `name` is the actor recorded in every event it causes. */
export interface ApiToken {
  name: string;
  role: ApiRole;
  secret: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MIN_SECRET_LENGTH = 16;

/** `name:role:secret[,name:role:secret…]`; a secret may itself contain `:`. */
export function parseApiTokens(text: string, variable = 'API_TOKENS'): ApiToken[] {
  const tokens = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, index) => {
      const [name = '', role = '', ...rest] = entry.split(':');
      const secret = rest.join(':');
      const where = `${variable} entry ${index + 1}`;
      if (!NAME.test(name))
        throw new ConfigError(variable, `${where}: the name must be 1–64 of [A-Za-z0-9_.-]`);
      if (!(API_ROLES as readonly string[]).includes(role)) {
        throw new ConfigError(
          variable,
          `${where} (${name}): the role must be admin or viewer, not "${role}"`,
        );
      }
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new ConfigError(
          variable,
          `${where} (${name}): the secret must be at least ${MIN_SECRET_LENGTH} characters`,
        );
      }
      return { name, role: role as ApiRole, secret };
    });
  const names = tokens.map((token) => token.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new ConfigError(variable, `${variable}: the name ${duplicate} is used twice`);
  return tokens;
}

/** A bad configuration value; the message names the variable to change, `rule` the rule its value broke. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
    readonly rule = 'format',
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

// `npm run test:unit`: the pure libraries' tests (deciders, evolve functions, lanes, backoff) in seconds, with no
// service running: no global setup (PostgreSQL, RocketMQ). `npm test` runs these again with everything else.
import base from './jest.config.mjs';

const { globalSetup: _setup, globalTeardown: _teardown, ...rest } = base;

export default {
  ...rest,
  roots: ['<rootDir>/libs'],
  testRegex: '^.*/libs/(rules|presence|notifications|backoff|retention)/src/.*\\.spec\\.ts$',
};

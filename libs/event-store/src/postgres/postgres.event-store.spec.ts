import { describeEventStoreContract } from '../event-store.contract.js';
import { describeRetentionContract, EXPIRING_PREFIXES } from '../retention.contract.js';
import { postgresFixture } from './postgres.fixture.js';

describeEventStoreContract('PostgreSQL', postgresFixture);

describeRetentionContract('PostgreSQL', async () => {
  const fixture = await postgresFixture();
  return { ...fixture, open: () => fixture.open({ expiringStreamPrefixes: EXPIRING_PREFIXES }) };
});

import { describeEventStoreContract } from '../event-store.contract.js';
import { describeRetentionContract, EXPIRING_PREFIXES } from '../retention.contract.js';
import { describeTransferContract } from '../transfer.contract.js';
import { postgresFixture } from './postgres.fixture.js';

describeEventStoreContract('PostgreSQL', postgresFixture);

async function expiringPostgres() {
  const fixture = await postgresFixture();
  return { ...fixture, open: () => fixture.open({ expiringStreamPrefixes: EXPIRING_PREFIXES }) };
}

describeRetentionContract('PostgreSQL', expiringPostgres);

describeTransferContract('PostgreSQL to PostgreSQL', expiringPostgres, expiringPostgres);

// Stores made before decision 16 keep the plain table: the same contracts, and copies into the new layout.
async function plainPostgres() {
  const fixture = await postgresFixture();
  return {
    ...fixture,
    open: () => fixture.open({ expiringStreamPrefixes: EXPIRING_PREFIXES, partitions: false }),
  };
}

describeEventStoreContract('PostgreSQL, plain table', async () => {
  const fixture = await postgresFixture();
  return { ...fixture, open: () => fixture.open({ partitions: false }) };
});
describeRetentionContract('PostgreSQL, plain table', plainPostgres);
describeTransferContract('PostgreSQL plain table to partitioned', plainPostgres, expiringPostgres);

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

import { describeEventStoreContract } from '../event-store.contract.js';
import { postgresFixture } from './postgres.fixture.js';

describeEventStoreContract('PostgreSQL', postgresFixture);

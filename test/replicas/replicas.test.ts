import { describe } from 'vitest';
import { healthPart, healthTests } from './health.suite.js';
import { keysTests } from './keys.suite.js';
import { killPart, killTests } from './kill.suite.js';
import { limitsPart, limitsTests } from './limits.suite.js';
import { outagePart, postgresOutageTests, redisOutageTests } from './outage.suite.js';
import { useRig } from './rig.js';

// Two real gateway processes on one PostgreSQL + Redis, shared by every suite below (rig.ts); in order, as
// some kill a replica (and start it again) or cut PostgreSQL or Redis (and restore them).
const rig = useRig([limitsPart, healthPart, killPart, outagePart]);

describe('limits shared by two replicas', () => limitsTests(rig));
describe('two replicas agree on keys', () => keysTests(rig));
describe('two replicas agree on credential health', () => healthTests(rig));
describe('usage totals after a replica is killed mid-load and restarted', () => killTests(rig));
describe('PostgreSQL or Redis cut under load', () => {
  redisOutageTests(rig);
  postgresOutageTests(rig);
});

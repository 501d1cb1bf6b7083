/**
 * Writes docs/config.md, the config reference, from the config file's schema
 * (scripts/config-reference.ts). Run after changing src/config/schema.ts:
 * `npm run docs:config`; test/unit/config-reference.test.ts fails while the
 * checked-in file differs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_REFERENCE_PATH, configReference } from './config-reference.js';

writeFileSync(join(import.meta.dirname, '..', CONFIG_REFERENCE_PATH), configReference());
console.log(`wrote ${CONFIG_REFERENCE_PATH}`);

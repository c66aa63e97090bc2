import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as PG from 'pg';

/**
 * The engine's own pg driver, the root package's. The peers pull another copy into
 * bench/node_modules, which a plain `import 'pg'` from bench/ would find first; the raw limits
 * must use the same driver as the engine they are compared with.
 */
export const pg = createRequire(join(__dirname, '..', '..', 'package.json'))('pg') as typeof PG;

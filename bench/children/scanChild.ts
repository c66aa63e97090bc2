import { oneShotChild } from '../lib/childMain';
import { scanRate } from '../lib/sqliteScan';

/** The raw limit for rebuild and verify: the same file scanned by better-sqlite3 with JSON.parse. */
oneShotChild(async ({ path }: { path: string }) => scanRate(path));

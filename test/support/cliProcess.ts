/** The CLI as a process of its own, from source: `tsx test/support/cliProcess.ts <args>`. */
import { main } from '../../src/adapters/cli/main';

main(process.argv);

import type { EventStore } from '../../src/ports/eventStore';
import { describeAppendContract } from './appendContract';
import { describeCorruptContract } from './corruptContract';
import type { ContractContext, ContractOptions } from './contractSupport';
import { describeReadContract } from './readContract';
import { describeSubscriptionContract } from './subscriptionContract';

export type { ContractOptions } from './contractSupport';

/**
 * The semantics every store must have (DESIGN.md section 4), run against each of them. Every
 * test opens a store and uses stream names of its own, so it also holds on a shared log.
 */
export const describeEventStoreContract = <S extends EventStore>(
  name: string,
  open: () => Promise<S>,
  options: ContractOptions<S> = {},
) => {
  describe(`${name} event store contract`, () => {
    let current: S | undefined;
    beforeEach(async () => {
      current = await open();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    if (options.cleanup !== undefined) afterAll(options.cleanup);

    const context: ContractContext<S> = {
      store: () => {
        if (current === undefined) throw new Error('no store is open');
        return current;
      },
      options,
    };
    describeAppendContract(context);
    describeReadContract(context);
    describeSubscriptionContract(context);
    describeCorruptContract(context);
  });
};

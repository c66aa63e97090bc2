import type { EventStore } from '../../src/ports/eventStore';
import {
  collect,
  expectFailure,
  openSubscription,
  someEvents,
  streamsFor,
  type ContractContext,
} from './contractSupport';

export const describeCorruptContract = <S extends EventStore>({ store, options }: ContractContext<S>) => {
  const { corrupt } = options;
  (corrupt === undefined ? describe.skip : describe)('an event stored undecodable', () => {
    it('fails every read that reaches it with corrupt_event naming its position, never skips it', async () => {
      const { stream, filter } = streamsFor();
      await store().appendToStream(stream('a'), someEvents(3), { expectedRevision: 'no_stream' });
      const [, broken] = await collect(store().readStream(stream('a')));
      if (broken === undefined || corrupt === undefined) throw new Error('the setup did not append');
      await corrupt(store(), broken.position);
      const position = broken.position.toString();
      await expectFailure(collect(store().readStream(stream('a'))), 'corrupt_event', { position });
      await expectFailure(collect(store().readAll({ filter })), 'corrupt_event', { position });
      const subscription = openSubscription(store(), { from: 'start', filter });
      try {
        await expectFailure(subscription.untilCaughtUp(), 'corrupt_event', { position });
      } finally {
        await subscription.stop();
      }
      // Reads that stop before it still work.
      expect(await collect(store().readStream(stream('a'), { maxCount: 1 }))).toHaveLength(1);
    });
  });
};

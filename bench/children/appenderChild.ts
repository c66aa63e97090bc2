import { openEngine } from '../../src';
import { failChild, nextMessage, send } from '../lib/childMain';
import { appendSample } from '../lib/latencyProbe';

/**
 * The other process of the cross-process latency workload: opens the engine on the same store
 * and appends one stamped sample each time the subscriber asks for one.
 */
const main = async () => {
  const { url } = JSON.parse(process.argv[2] ?? '{}') as { url: string };
  const engine = await openEngine({ store: url, actor: 'bench-appender' });
  const onMessage = (message: unknown) => {
    const m = message as { type?: string; id?: string };
    if (m.type === 'sample' && m.id !== undefined)
      appendSample(engine, m.id).then(() => send({ type: 'appended', id: m.id }), failChild);
  };
  process.on('message', onMessage);
  send({ type: 'ready' });
  await nextMessage('stop');
  process.off('message', onMessage);
  await engine.close();
  process.exit(0);
};
main().catch(failChild);

import { decide } from '../../src/domain/decide';
import { oneShotChild } from '../lib/childMain';
import { decideContext, decideMix } from '../lib/decideMix';

/** Microseconds per `decide(state, command, ctx)` over the mix, after a warm-up, `runs` times. */
oneShotChild(async ({ iterations, runs }: { iterations: number; runs: number }) => {
  const mix = decideMix();
  let accepted = 0;
  const loop = (count: number) => {
    for (let i = 0; i < count; i++) {
      const { state, command } = mix[i % mix.length] ?? mix[0]!;
      // Counting outcomes keeps the calls from being optimised away.
      if (decide(state, command, decideContext)._tag === 'Right') accepted++;
    }
  };
  loop(Math.min(iterations, 200_000));
  const perDecision: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    loop(iterations);
    perDecision.push(Number(process.hrtime.bigint() - started) / 1000 / iterations);
  }
  if (accepted === 0) throw new Error('no decision was accepted');
  return { perDecision, commands: mix.length };
});

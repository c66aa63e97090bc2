import { SingleBar, Presets } from 'cli-progress';
import type { VerifyProgress, VerifyReport } from '../../engine/audit/verify';

/** A progress bar on stderr, by share of the log read (positions may be sparse; the share still moves evenly). */
export const verifyProgressBar = (stream: NodeJS.WritableStream) => {
  const bar = new SingleBar(
    {
      stream,
      format: 'verify [{bar}] {percentage}% | {events} events',
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  bar.start(1000, 0, { events: 0 });
  return {
    update: ({ events, first, position, head }: VerifyProgress) => {
      const span = head - first;
      bar.update(span <= 0n ? 1000 : Number(((position - first) * 1000n) / span), { events });
    },
    stop: () => bar.stop(),
  };
};

/** The report for a person: totals, then each break, then each forced transition. */
export const verifySummary = (report: VerifyReport): string => {
  const { streams, events, forced, broken } = report.totals;
  const lines = [
    `${report.ok ? 'OK' : 'BROKEN'}: ${events} events in ${streams} task streams, ${broken} broken, ${forced} forced transitions`,
  ];
  for (const b of report.breaks)
    lines.push(
      `  break   ${b.stream} revision ${b.revision} (position ${b.position}): ${b.problem}: ${b.message}`,
    );
  for (const f of report.forced)
    lines.push(
      `  forced  ${f.stream} revision ${f.revision} (position ${f.position}): ${f.type} ${f.from} → ${f.to}`,
    );
  return lines.join('\n');
};

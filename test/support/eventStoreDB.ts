/**
 * EventStoreDB tests run only against a server named by EVENTSTORE_URL
 * (e.g. `esdb://localhost:2113?tls=false`, see docker-compose.yml). Without it they are
 * skipped, loudly: one console line, and jest counts them as skipped, never as passed.
 */
export const describeWithEventStoreDB = (name: string, body: (url: string) => void) => {
  const url = process.env['EVENTSTORE_URL'];
  if (url !== undefined && url !== '') return describe(name, () => body(url));
  console.warn(
    `SKIPPED ${name}: EVENTSTORE_URL is not set (e.g. EVENTSTORE_URL=esdb://localhost:2113?tls=false).`,
  );
  return describe.skip(name, () => body('esdb://unset'));
};

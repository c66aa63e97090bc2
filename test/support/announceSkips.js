/**
 * jest globalSetup. Jest drops the console output of a test file whose tests were all skipped
 * when it runs many files, so the EventStoreDB suite's own "SKIPPED" line would vanish from
 * `npm test`: say it once here, at the start of every run, where nobody can miss it.
 */
module.exports = async () => {
  const url = process.env['EVENTSTORE_URL'];
  if (url === undefined || url === '') {
    process.stderr.write(
      '\nSKIPPED: the EventStoreDB contract suite (EVENTSTORE_URL is not set; ' +
        '`docker compose up -d` then EVENTSTORE_URL=esdb://localhost:2113?tls=false npm test runs it).\n\n',
    );
  }
};

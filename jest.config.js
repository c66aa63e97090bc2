/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // Transpile only: `npm test` type-checks the whole project with tsc before jest runs.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  testTimeout: 60_000,
  // Store tests share one PostgreSQL server and SQLite files under the OS temp folder;
  // two workers match the two cores these machines have.
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/announceSkips.js',
};

/** Tests run against a real FerretDB started once in globalSetup; see test/helpers. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  // A guard against hangs, not a performance target: a busy 2-core machine is slow.
  testTimeout: 120000,
  maxWorkers: 2,
};

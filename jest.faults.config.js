/** Fault tests with real processes (npm run test:faults): one file at a time, generous timeouts. */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['**/test/faults/**/*.fault.ts'], maxWorkers: 1, testTimeout: 240000 };

/** Jest runs TypeScript through ts-jest; tsconfig's isolatedModules makes it transpile only (`npm run typecheck` checks types). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  testTimeout: 30000,
  // Integration tests share one Redis (each with its own key prefix) and the machine has 2 cores.
  maxWorkers: 2,
};

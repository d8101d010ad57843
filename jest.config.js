/** Three tiers (ARCHITECTURE.md, "Tests"): unit beside the code, medium with a
 * real SQLite file, end-to-end against the built gateway as its own process. */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  // tsconfig's isolatedModules makes ts-jest only transpile; `npm run typecheck` type-checks.
  transform: { '^.+\\.tsx?$': ['ts-jest', {}] },
  moduleNameMapper: { '^@gatehouse/(.*)$': '<rootDir>/libs/$1/src' },
  rootDir: __dirname,
};
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'medium',
      testMatch: ['<rootDir>/{libs,apps}/*/test/**/*.test.ts', '<rootDir>/test/medium/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/e2e/setup.ts'],
    },
  ],
};

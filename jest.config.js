/** Two projects: `unit` needs nothing running; `integration` starts real PostgreSQL and Temporal once. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];

// ESM-only packages that Jest on Node 20 cannot require(); compiled to CommonJS for the tests only.
const ESM_ONLY = ['content-disposition'];

const moduleNameMapper = {
  '^@pelekan/core$': '<rootDir>/libs/core/src',
  '^@pelekan/core/(.*)$': '<rootDir>/libs/core/src/$1',
  '^@pelekan/modules$': '<rootDir>/libs/modules/src',
  '^@pelekan/modules/(.*)$': '<rootDir>/libs/modules/src/$1',
  '^@pelekan/workflows/(.*)$': '<rootDir>/workflows/src/$1',
  '^@pelekan/local-stack$': '<rootDir>/libs/local-stack/src',
  '^@pelekan/local-stack/(.*)$': '<rootDir>/libs/local-stack/src/$1',
};
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': tsJest,
    [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleNameMapper,
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,workflows,apps}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 60,
      setupFilesAfterEnv: ['<rootDir>/test/support/setup.ts'],
    },
  ],
};

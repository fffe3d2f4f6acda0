/** Tests run from TypeScript sources; the end-to-end tests also use the compiled `dist/` (built by `npm ci`). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // The reliability suite (tests/faults) runs second, with its own config (jest.faults.config.js): `npm test`
  // runs both; `npm run test:faults` runs it alone and writes docs/reliability.md.
  // tests/soak runs only in `npm run test:soak` (jest.soak.config.js).
  testPathIgnorePatterns: ["/node_modules/", "/tests/faults/", "/tests/soak/"],
  transform: {
    // 151002: ts-jest's note about node16 module kind; type checking still runs.
    "^.+\\.ts$": ["ts-jest", { diagnostics: { ignoreCodes: [151002] } }],
  },
  testTimeout: 120000,
  // The suites share one machine's two cores; end-to-end runs spawn the Pulumi engine.
  maxWorkers: 2,
};

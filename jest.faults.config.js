/**
 * The reliability and security suite (`npm run test:faults`): tests/faults only, plus the reporter that
 * writes docs/reliability.md from the results of the run. Everything else as in jest.config.js.
 */
const base = require("./jest.config");

module.exports = {
  ...base,
  roots: ["<rootDir>/tests/faults"],
  // jest.config.js leaves tests/faults out of `npm test`; here it is the whole point.
  testPathIgnorePatterns: ["/node_modules/"],
  reporters: ["default", "<rootDir>/tests/faults/reliabilityReporter.js"],
};

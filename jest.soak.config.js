/** `npm run test:soak` (not `npm test`): the load test; the random schedules run there with more runs. Writes docs/soak.md. */
const base = require("./jest.config");

module.exports = {
  ...base,
  roots: ["<rootDir>/tests/soak"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 30 * 60 * 1000,
};

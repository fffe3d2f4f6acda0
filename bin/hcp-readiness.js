#!/usr/bin/env node
// The readiness report of a stack (compiled by `npm run build`); options: --stack <name>, --cwd <dir>, --out <file>.
// Exits 2 when a check fails.
const { main } = require("../dist/provider/report/readinessCli.js");

main(process.argv).catch((error) => {
  console.error(`hcp-readiness: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

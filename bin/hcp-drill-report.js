#!/usr/bin/env node
// The drill report of a stack (compiled by `npm run build`); options: --stack <name>, --cwd <dir>, --out <file>.
const { main } = require("../dist/provider/report/drillReportCli.js");

main(process.argv).catch((error) => {
  console.error(`hcp-drill-report: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

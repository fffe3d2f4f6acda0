#!/usr/bin/env node
// Starts the HCP simulator (compiled by `npm run build`); options: --config <file>, --time-speed <n>.
const { main } = require("../dist/simulator/cli.js");

main(process.argv).catch((error) => {
  console.error(`hcp-simulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

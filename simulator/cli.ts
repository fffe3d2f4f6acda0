import { Command, InvalidArgumentError } from "commander";
import { loadConfigFile, startSimulator, type SimulatorConfig } from "./index";

/** `hcp-simulator [--config file] [--time-speed N]`: starts the simulator and runs until SIGINT/SIGTERM. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name("hcp-simulator")
    .description("Simulated HCP systems speaking the MAPI replication subset over HTTPS (see simulator/README.md)")
    .option("-c, --config <file>", "JSON configuration file (default: hcp-a and hcp-b with link link-ab)")
    .option("-s, --time-speed <n>", "simulated seconds per real second (overrides the config)", parseSpeed)
    .parse([...argv]);
  const options = program.opts<{ config?: string; timeSpeed?: number }>();
  const fromFile: SimulatorConfig = options.config ? await loadConfigFile(options.config) : {};
  const config: SimulatorConfig = options.timeSpeed === undefined ? fromFile : { ...fromFile, timeSpeed: options.timeSpeed };
  const simulator = await startSimulator(config);

  const credentialsSource = options.config ? `the users in ${options.config} (or its defaults)` : "the built-in default (see simulator/README.md)";
  console.log("HCP simulator running");
  for (const system of simulator.systems) {
    console.log(`  ${system.name}: ${system.endpoint}  user ${system.username}, password from ${credentialsSource}`);
    console.log(`    control: ${system.controlUrl}`);
  }
  console.log(`  control endpoint: ${simulator.controlEndpoint ?? "(none)"}`);
  console.log(`  CA certificate: ${simulator.caFile}`);
  console.log("Press Ctrl-C to stop.");

  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      console.log(`\n${signal}: stopping`);
      simulator.stop().then(resolve, (error: unknown) => {
        console.error(error);
        resolve();
      });
    };
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  });
}

function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed < 0) throw new InvalidArgumentError("a number >= 0 is required");
  return speed;
}

if (require.main === module) {
  main(process.argv).catch((error: unknown) => {
    console.error(`hcp-simulator: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}

import { MapiError } from "./MapiError";

/** A client option is missing or invalid. Names the option; never echoes a secret value. */
export class MapiConfigError extends MapiError {
  /** The option at fault, e.g. `endpoint`. */
  readonly option: string;

  constructor(option: string, problem: string) {
    super(`Invalid MAPI client option "${option}": ${problem}`);
    this.name = "MapiConfigError";
    this.option = option;
  }
}

import { MapiHttpError, type MapiHttpErrorDetails } from "./MapiHttpError";

/**
 * 403 on a request that needs a role the account may lack: the message names the role, since HCP answers
 * 403 for bad credentials and for a too-low account level alike.
 */
export class MapiPermissionError extends MapiHttpError {
  /** The role the request needs, e.g. `administrator`. */
  readonly requiredRole: string;

  constructor(details: MapiHttpErrorDetails, requiredRole: string, what: string) {
    super(details);
    this.name = "MapiPermissionError";
    this.requiredRole = requiredRole;
    this.message =
      `${this.message}. ${what} needs a system-level account with the ${requiredRole} role; a monitor-only account ` +
      `gets 403 here. Give this system's account the ${requiredRole} role (or use one that has it).`;
  }
}

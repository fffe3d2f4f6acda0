import { createHash } from "node:crypto";
import { AUTH_MD5_HEX_LOWERCASE } from "./assumptions";
import { MapiConfigError } from "./errors";
import type { AuthType } from "./types";

/**
 * The `Authorization` header value for a MAPI request.
 *
 * - local account: `HCP <base64(username)>:<md5hex(password)>`
 *   (`lgreen` / `p4ssw0rd` -> `HCP bGdyZWVu:2a9d119df47ff993b662a8ef36f9ea20`);
 * - Active Directory: `AD <user>@<domain>:<password>`, the username given as `user@domain`.
 *
 * Errors name the option at fault and never include the password.
 */
export function authorizationHeader(username: string, password: string, authType: AuthType = "local"): string {
  if (typeof username !== "string" || username.length === 0) {
    throw new MapiConfigError("username", "must be a non-empty string");
  }
  if (typeof password !== "string" || password.length === 0) {
    throw new MapiConfigError("password", "must be a non-empty string");
  }
  switch (authType) {
    case "local": {
      const user = Buffer.from(username, "utf8").toString("base64");
      const md5 = createHash("md5").update(password, "utf8").digest("hex");
      return `HCP ${user}:${AUTH_MD5_HEX_LOWERCASE ? md5 : md5.toUpperCase()}`;
    }
    case "ad": {
      const at = username.indexOf("@");
      if (at <= 0 || at === username.length - 1) {
        throw new MapiConfigError("username", 'must be given as "user@domain" when authType is "ad"');
      }
      return `AD ${username}:${password}`;
    }
    default:
      throw new MapiConfigError("authType", `must be "local" or "ad" (got ${JSON.stringify(authType)})`);
  }
}

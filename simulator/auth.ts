import { createHash, timingSafeEqual } from "node:crypto";
import { forbidden } from "./errors";
import { MD5_HEX_CASE_INSENSITIVE, USERNAMES_CASE_INSENSITIVE } from "./model/assumptions";
import type { UserAccount } from "./model/system";

/**
 * The two MAPI authentication schemes:
 *   local account: `Authorization: HCP <base64(username)>:<md5hex(password)>`
 *   Active Directory: `Authorization: AD <user>@<domain>:<password>`
 * Bad or missing credentials are 403. Messages never contain the header or a password.
 */

/** The account the header authenticates, or a 403. */
export function authenticate(header: string | undefined, users: readonly UserAccount[]): UserAccount {
  if (!header) throw forbidden("Authentication required: send an Authorization header (HCP or AD scheme)");
  const space = header.indexOf(" ");
  const scheme = space > 0 ? header.slice(0, space) : header;
  const credentials = space > 0 ? header.slice(space + 1).trim() : "";
  if (scheme === "HCP") return authenticateLocal(credentials, users);
  if (scheme === "AD") return authenticateDirectory(credentials, users);
  throw forbidden("Unsupported authorization scheme: use HCP or AD");
}

/** 403 unless the account may do this: reading needs monitor or administrator, changing needs administrator. */
export function requireRole(user: UserAccount, changes: boolean): void {
  if (changes && !user.roles.includes("ADMINISTRATOR")) throw forbidden(`User ${user.username} needs the administrator role for this request`);
  if (!changes && !user.roles.includes("ADMINISTRATOR") && !user.roles.includes("MONITOR")) {
    throw forbidden(`User ${user.username} needs the monitor or administrator role for this request`);
  }
}

function authenticateLocal(credentials: string, users: readonly UserAccount[]): UserAccount {
  const colon = credentials.indexOf(":");
  if (colon <= 0) throw forbidden("Malformed HCP credentials: expected base64(username):md5(password)");
  const username = Buffer.from(credentials.slice(0, colon), "base64").toString("utf8");
  const digest = credentials.slice(colon + 1);
  const user = users.find((u) => u.type === "local" && sameName(u.username, username));
  const expected = md5Hex(user?.password ?? "");
  const given = MD5_HEX_CASE_INSENSITIVE ? digest.toLowerCase() : digest;
  if (!user || !constantTimeEqual(given, expected)) throw forbidden("Invalid username or password");
  return user;
}

function authenticateDirectory(credentials: string, users: readonly UserAccount[]): UserAccount {
  const colon = credentials.indexOf(":");
  const principal = colon > 0 ? credentials.slice(0, colon) : "";
  if (!principal.includes("@")) throw forbidden("Malformed AD credentials: expected user@domain:password");
  const password = credentials.slice(colon + 1);
  const user = users.find((u) => u.type === "ad" && sameName(u.username, principal));
  if (!user || !constantTimeEqual(password, user.password)) throw forbidden("Invalid username or password");
  return user;
}

function sameName(a: string, b: string): boolean {
  return USERNAMES_CASE_INSENSITIVE ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Input checks that run in `check`, before any API call. Each failure names the property and says what
 * is allowed, in Pulumi's CheckFailure shape.
 */
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { CERTIFICATE_DIGEST_PATTERN } from "./providerCertificates";
import { authTypes, connectTimeoutRange, SystemConnection } from "./system";

export class Checks {
  readonly failures: CheckFailure[] = [];

  fail(property: string, reason: string): void {
    this.failures.push({ property, reason });
  }

  /** A required, non-blank string. */
  requiredString(property: string, value: unknown): value is string {
    if (typeof value !== "string" || value.trim() === "") {
      this.fail(property, `${property} is required and must be a non-empty string`);
      return false;
    }
    return true;
  }

  oneOf<T extends string>(property: string, value: unknown, allowed: readonly T[], required = true): value is T {
    if (value === undefined && !required) return true;
    if (typeof value !== "string" || !allowed.includes(value as T)) {
      this.fail(property, `${property} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; got ${describe(value)}`);
      return false;
    }
    return true;
  }

  boolean(property: string, value: unknown): void {
    if (value !== undefined && typeof value !== "boolean") this.fail(property, `${property} must be true or false; got ${describe(value)}`);
  }

  integerInRange(property: string, value: unknown, min: number, max: number): void {
    if (value === undefined) return;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.fail(property, `${property} must be a whole number from ${min} to ${max}; got ${describe(value)}`);
    }
  }

  numberInRange(property: string, value: unknown, min: number, max: number): void {
    if (value === undefined) return;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      this.fail(property, `${property} must be a number of seconds from ${min} to ${max}; got ${describe(value)}`);
    }
  }

  /** Names of links, tenants, directories: non-empty, unique, of bounded length. */
  nameList(property: string, value: unknown, maxLength: number): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      this.fail(property, `${property} must be a list of names; got ${describe(value)}`);
      return;
    }
    const seen = new Set<string>();
    value.forEach((item, i) => {
      if (typeof item !== "string" || item.trim() === "" || item.length > maxLength) {
        this.fail(`${property}[${i}]`, `${property}[${i}] must be a name of 1 to ${maxLength} characters; got ${describe(item)}`);
      } else if (seen.has(item.toLowerCase())) {
        this.fail(`${property}[${i}]`, `${property}[${i}] repeats "${item}"`);
      } else {
        seen.add(item.toLowerCase());
      }
    });
  }

  /** An HcpSystem connection, resolved. */
  system(property: string, value: unknown): value is SystemConnection {
    if (typeof value !== "object" || value === null) {
      this.fail(property, `${property} must be an HcpSystem { name, endpoint, username, password }`);
      return false;
    }
    const s = value as Record<string, unknown>;
    const before = this.failures.length;
    if (this.requiredString(`${property}.name`, s.name) && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(s.name)) {
      this.fail(`${property}.name`, `${property}.name must be 1 to 63 letters, digits, '.', '_' or '-'; got "${s.name}"`);
    }
    if (this.requiredString(`${property}.endpoint`, s.endpoint)) this.endpoint(`${property}.endpoint`, s.endpoint);
    this.requiredString(`${property}.username`, s.username);
    if (typeof s.password !== "string" || s.password === "") {
      this.fail(`${property}.password`, `${property}.password is required (pass it as a Pulumi secret, e.g. config.requireSecret(...))`);
    }
    this.oneOf(`${property}.authType`, s.authType, authTypes, false);
    if (s.authType === "ad" && typeof s.username === "string" && !s.username.includes("@")) {
      this.fail(`${property}.username`, `${property}.username must be user@domain when authType is "ad"`);
    }
    if (s.caCertificate !== undefined && (typeof s.caCertificate !== "string" || !s.caCertificate.includes("-----BEGIN CERTIFICATE-----"))) {
      this.fail(`${property}.caCertificate`, `${property}.caCertificate must be PEM text starting with -----BEGIN CERTIFICATE-----`);
    }
    if (s.caFromProvider !== undefined && (typeof s.caFromProvider !== "string" || !CERTIFICATE_DIGEST_PATTERN.test(s.caFromProvider))) {
      this.fail(`${property}.caFromProvider`, `${property}.caFromProvider must be sha256:<64 hex digits> (set by ReplicationSite); got ${JSON.stringify(s.caFromProvider)}`);
    }
    this.boolean(`${property}.insecureSkipTlsVerify`, s.insecureSkipTlsVerify);
    this.numberInRange(`${property}.connectTimeoutSeconds`, s.connectTimeoutSeconds, connectTimeoutRange.min, connectTimeoutRange.max);
    return this.failures.length === before;
  }

  endpoint(property: string, value: string): void {
    // Echo the value only without any user:password@ part, which must never reach an error.
    const shown = redactUserInfo(value);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      this.fail(property, `${property} must be an https URL such as https://admin.hcp.example.com:9090; got "${shown}"`);
      return;
    }
    if (url.username || url.password) {
      this.fail(property, `${property} must not carry credentials; use username and password`);
    } else if (url.protocol !== "https:") {
      this.fail(property, `${property} must use https (MAPI is HTTPS only); got "${url.protocol.replace(":", "")}"`);
    } else if ((url.pathname !== "/" && url.pathname !== "") || url.search) {
      this.fail(property, `${property} must be scheme, host and port only (no path or query); got "${shown}"`);
    } else if (url.port !== "" && (Number(url.port) < 1 || Number(url.port) > 65535)) {
      this.fail(property, `${property} port must be 1 to 65535`);
    }
  }

  distinctSystems(primaryProperty: string, primary: SystemConnection, replicaProperty: string, replica: SystemConnection): void {
    if (primary.endpoint === replica.endpoint) {
      this.fail(replicaProperty, `${primaryProperty} and ${replicaProperty} must be different systems; both are ${primary.endpoint}`);
    }
  }
}

/** `https://user:secret@host` -> `https://***@host`; also for text that does not parse as a URL. */
export function redactUserInfo(value: string): string {
  return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, "$1***@");
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return `"${value}"`;
  return JSON.stringify(value) ?? String(value);
}

import { authorizationHeader } from "../../provider/mapi/auth";
import { MapiConfigError } from "../../provider/mapi/errors";

describe("authorizationHeader", () => {
  it("local account: HCP base64(user):md5hex(password) (reference vector)", () => {
    expect(authorizationHeader("lgreen", "p4ssw0rd")).toBe("HCP bGdyZWVu:2a9d119df47ff993b662a8ef36f9ea20");
    expect(authorizationHeader("lgreen", "p4ssw0rd", "local")).toBe("HCP bGdyZWVu:2a9d119df47ff993b662a8ef36f9ea20");
  });

  it("encodes non-ASCII usernames and passwords as UTF-8", () => {
    expect(authorizationHeader("jürgen", "pässword")).toBe(
      `HCP ${Buffer.from("jürgen", "utf8").toString("base64")}:${require("node:crypto").createHash("md5").update("pässword", "utf8").digest("hex")}`,
    );
  });

  it("Active Directory: AD user@domain:password", () => {
    expect(authorizationHeader("lgreen@corp.example.com", "p4ssw0rd", "ad")).toBe("AD lgreen@corp.example.com:p4ssw0rd");
  });

  it("rejects an AD username without a domain, naming the option and not the password", () => {
    const attempt = () => authorizationHeader("lgreen", "s3cret-pw", "ad");
    expect(attempt).toThrow(MapiConfigError);
    expect(attempt).toThrow('Invalid MAPI client option "username": must be given as "user@domain" when authType is "ad"');
    try {
      attempt();
    } catch (err) {
      expect(JSON.stringify(err) + String(err)).not.toContain("s3cret-pw");
    }
  });

  it("rejects empty credentials and unknown auth types", () => {
    expect(() => authorizationHeader("", "x")).toThrow('"username"');
    expect(() => authorizationHeader("u", "")).toThrow('"password"');
    expect(() => authorizationHeader("u", "p", "kerberos" as never)).toThrow('Invalid MAPI client option "authType": must be "local" or "ad" (got "kerberos")');
  });
});

/** The cause kept on a MAPI error: only a code and a message, never the request, its headers or config. */
export interface MapiErrorCause {
  code?: string;
  message: string;
}

/** Base class of every error the MAPI client raises. Carries no credentials, headers or request config. */
export class MapiError extends Error {
  /** Only the code and message of the underlying error (e.g. `{ code: "ECONNREFUSED", … }`). */
  override readonly cause?: MapiErrorCause;

  constructor(message: string, cause?: MapiErrorCause) {
    super(message);
    this.name = "MapiError";
    if (cause) this.cause = { ...(cause.code ? { code: cause.code } : {}), message: cause.message };
  }
}

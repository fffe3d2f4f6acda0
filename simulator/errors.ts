/**
 * The one error type the simulator answers with: an HTTP status and the reason that goes into the
 * `X-HCP-ErrorMessage` response header. The model throws it; the server turns it into a response.
 */
export class SimError extends Error {
  constructor(
    /** HTTP status code sent to the client. */
    readonly status: number,
    message: string,
    /** Extra response headers (for example `Allow` on a 405). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "SimError";
  }
}

/** 400: bad request, property or action. */
export function badRequest(message: string): SimError {
  return new SimError(400, message);
}

/** 403: authentication, permission, read-only property or read-only tenant. */
export function forbidden(message: string): SimError {
  return new SimError(403, message);
}

/** 404: no such resource. */
export function notFound(message: string): SimError {
  return new SimError(404, message);
}

/** 409: the resource already exists. */
export function conflict(message: string): SimError {
  return new SimError(409, message);
}

/** 415: unsupported request body media type. */
export function unsupportedMediaType(message: string): SimError {
  return new SimError(415, message);
}

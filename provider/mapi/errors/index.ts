export { MapiError, type MapiErrorCause } from "./MapiError";
export { MapiConfigError } from "./MapiConfigError";
export { MapiHttpError, type MapiHttpErrorDetails } from "./MapiHttpError";
export { MapiUnreachableError, type MapiUnreachableErrorDetails } from "./MapiUnreachableError";
export { MapiTimeoutError } from "./MapiTimeoutError";
export { MapiTlsError } from "./MapiTlsError";
export { MapiResponseError, type MapiResponseErrorDetails } from "./MapiResponseError";
export { MapiPermissionError } from "./MapiPermissionError";

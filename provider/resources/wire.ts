/** Helpers shared by the resource providers for Pulumi's wire conventions. */
import type * as dynamic from "@pulumi/pulumi/dynamic";

/** The key under which the serialized dynamic provider travels with a resource's properties. */
export const providerKey = "__provider";

/** Pulumi's placeholder for a value that is not known during preview. */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
  return value === unknownValue;
}

/**
 * An error in Pulumi's partial-state shape: the engine records `properties` as the resource's state, so
 * the next `up` starts from what really happened instead of from before the failure.
 */
export function partialStateError(id: string, properties: object, cause: unknown, hint: string): Error & { id: string; properties: object; reasons: string[] } {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const error = new Error(`${reason}\n(${hint})`) as Error & { id: string; properties: object; reasons: string[] };
  error.id = id;
  error.properties = compact(properties);
  error.reasons = [reason];
  return error;
}

/**
 * A copy without `undefined` values: the engine's wire format (protobuf Struct) cannot carry them, so
 * everything a provider method returns passes through here.
 */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => compact(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = compact(v);
    return out as T;
  }
  return value;
}

/** Wraps a provider so that whatever its methods return is fit for the wire (see {@link compact}). */
export function wireSafe<I, O>(provider: dynamic.ResourceProvider<I, O>): dynamic.ResourceProvider<I, O> {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(provider)) {
    wrapped[name] = async (...args: unknown[]) => compact(await (method as (...a: unknown[]) => Promise<unknown>).apply(provider, args));
  }
  return wrapped as unknown as dynamic.ResourceProvider<I, O>;
}

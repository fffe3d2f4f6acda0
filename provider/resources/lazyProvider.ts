/**
 * Pulumi serializes a dynamic provider's methods, with everything they capture, into the state of every
 * resource. To keep that small, each resource's provider is this shim: it captures only the absolute path
 * of its implementation module and `require`s it inside each method, in the provider process.
 *
 * One shim per implementation, shared by every resource of that type: Pulumi caches a provider's
 * serialization by object identity, and serializing one walks its closure through the V8 inspector
 * (about 25 ms each), so a shim per resource cost a 50-link site more than a second before any check.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

const shims = new Map<string, dynamic.ResourceProvider<unknown, unknown>>();

/** `deletes`: false for a resource whose delete changes nothing on the systems (the shim then has none). */
export function lazyProvider<Inputs, Outputs>(implementationPath: string, deletes = true): dynamic.ResourceProvider<Inputs, Outputs> {
  const key = `${implementationPath}|${deletes}`;
  let shim = shims.get(key);
  if (!shim) {
    shim = shimFor<unknown, unknown>(implementationPath, deletes);
    shims.set(key, shim);
  }
  return shim as dynamic.ResourceProvider<Inputs, Outputs>;
}

function shimFor<I, O>(implementationPath: string, deletes: boolean): dynamic.ResourceProvider<I, O> {
  // Only the string is captured; `require` is never serialized (Pulumi resolves it at run time). The text
  // is stored twice in the state of every resource, which Pulumi rewrites whole before and after each
  // update: hence the one-letter names, and no delete where it would do nothing.
  const l = (): dynamic.ResourceProvider<I, O> => require(implementationPath).provider;
  const shim: dynamic.ResourceProvider<I, O> = {
    configure: (r) => l().configure?.(r) ?? Promise.resolve(),
    check: (o, n) => l().check!(o, n),
    diff: (i, o, n) => l().diff!(i, o, n),
    create: (n) => l().create(n),
    update: (i, o, n) => l().update!(i, o, n),
    read: (i, p) => l().read!(i, p),
  };
  if (deletes) shim.delete = (i, p) => l().delete!(i, p);
  return shim;
}

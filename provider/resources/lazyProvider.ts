/**
 * Pulumi serializes a dynamic provider's methods, with everything they capture, into the state of every
 * resource, twice (inputs and outputs), and rewrites the whole state before and after each update. So each
 * resource type's provider is a shim (one module per type, in shims/) that captures only the absolute path
 * of its implementation module and `require`s it inside each method, in the provider process.
 *
 * Where the package is installed (under node_modules), Pulumi stores a shim module not by value but as a
 * `require` of its package path, pulumi-hcp-replication/shims/<type> (package.json exports it): about 270
 * bytes where the text below takes 1.9 KB. Run from a checkout, the shim is stored by value.
 *
 * One shim per type, shared by every resource of that type (a module is loaded once): Pulumi caches a
 * provider's serialization by object identity, and serializing one walks its closure through the V8
 * inspector (about 25 ms each).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

/** `deletes`: false for a resource whose delete changes nothing on the systems (the shim then has none). */
export function lazyShim(implementationPath: string, { deletes }: { deletes: boolean }): dynamic.ResourceProvider {
  // Only the string is captured; `require` is never serialized (Pulumi resolves it at run time). Stored by
  // value, the text is what every resource's state holds: hence the one-letter names.
  const l = (): dynamic.ResourceProvider => require(implementationPath).provider;
  const shim: dynamic.ResourceProvider = {
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

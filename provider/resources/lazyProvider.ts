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

export function lazyProvider<Inputs, Outputs>(implementationPath: string): dynamic.ResourceProvider<Inputs, Outputs> {
  let shim = shims.get(implementationPath);
  if (!shim) {
    shim = shimFor<unknown, unknown>(implementationPath);
    shims.set(implementationPath, shim);
  }
  return shim as dynamic.ResourceProvider<Inputs, Outputs>;
}

function shimFor<Inputs, Outputs>(implementationPath: string): dynamic.ResourceProvider<Inputs, Outputs> {
  // Only the string is captured; `require` is never serialized (Pulumi resolves it at run time).
  const load = (): dynamic.ResourceProvider<Inputs, Outputs> => require(implementationPath).provider;
  return {
    configure: (req) => load().configure?.(req) ?? Promise.resolve(),
    check: (olds, news) => load().check!(olds, news),
    diff: (id, olds, news) => load().diff!(id, olds, news),
    create: (inputs) => load().create(inputs),
    update: (id, olds, news) => load().update!(id, olds, news),
    read: (id, props) => load().read!(id, props),
    delete: (id, props) => load().delete!(id, props),
  };
}

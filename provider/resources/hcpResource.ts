/**
 * The base of this package's dynamic resources: the provider is the shim module of the resource's type
 * (shims/, lazyProvider.ts), the type is `hcp:<Type>`, and the resource object is built without the stack
 * traces Pulumi records for its own promises.
 *
 * Those traces: the SDK stamps a stack trace on each promise it makes for a resource's properties (about 80
 * for a ReplicationFailover), and prints them only when PULUMI_DEBUG_PROMISE_LEAKS is set. Each one goes
 * through the source-map support Pulumi installs, about 10 ms per resource: half a second before a 50-link
 * site's first resource reaches the engine. Where the resource was declared is unaffected (Pulumi reads
 * that with a limit of its own).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";

export abstract class HcpResource extends pulumi.dynamic.Resource {
  /** `props` is a function so that the Outputs it makes (secrets, fingerprints) are built without traces too. */
  protected constructor(
    type: string,
    shim: dynamic.ResourceProvider,
    name: string,
    props: () => pulumi.Inputs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    const restore = withoutPromiseStackTraces();
    try {
      super(shim, name, props(), opts, "hcp", type);
    } finally {
      restore();
    }
  }
}

/** Stack traces off until the returned function is called, unless promise-leak debugging is on. */
function withoutPromiseStackTraces(): () => void {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}

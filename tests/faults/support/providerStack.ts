/**
 * The demo program's four resources (two certificate trusts, the link, the failover) driven through their
 * dynamic providers the way the Pulumi engine drives them: check -> diff -> create/update in dependency
 * order, every value through a JSON round trip (the engine's wire), a partial-state rejection recorded as
 * the resource's new state, and nothing recorded when the provider process dies.
 *
 * Each `up` runs in a {@link Run}: an async context that the MAPI clients and progress lines of the
 * providers are routed through (see {@link installRuntimeHooks}). A run's hooks see every MAPI call before
 * and after it goes out (to inject a fault at an exact step) and every progress line; `kill()` makes the
 * run behave like a SIGKILLed provider process: nothing it started ever answers or sends again.
 */
import { AsyncLocalStorage } from "async_hooks";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import * as runtime from "../../../provider/resources/runtime";
import type { MapiClient } from "../../../provider/mapi/client";
import { processReachability } from "../../../provider/mapi/reachability";
import type { SystemConnection } from "../../../provider/resources/system";
import { provider as failoverProvider } from "../../../provider/resources/failoverProvider";
import { provider as linkProvider } from "../../../provider/resources/linkProvider";
import { provider as trustProvider } from "../../../provider/resources/certificateTrustProvider";
import type { FailoverInputs, FailoverOutputs, FailoverState } from "../../../provider/resources/replicationFailover";
import type { LinkInputs, LinkOutputs } from "../../../provider/resources/replicationLink";
import type { TrustInputs, TrustOutputs } from "../../../provider/resources/replicationCertificateTrust";

/** One MAPI client call as the hooks see it. */
export interface ClientCall {
  /** The system's name (HcpSystem.name). */
  system: string;
  method: string;
  args: unknown[];
  /** Set by `after` hooks: the call's error, if it failed. */
  error?: unknown;
}

export interface RunHooks {
  onLog?(line: string, run: Run): void;
  before?(call: ClientCall, run: Run): Promise<void> | void;
  after?(call: ClientCall, run: Run): Promise<void> | void;
  /** MAPI client timeout for one system's clients in this run (the provider's default, 30 s, otherwise). */
  timeoutMsFor?(system: string): number | undefined;
}

/** One `pulumi up` (or preview): the provider process that serves it. */
export class Run {
  readonly lines: string[] = [];
  dead = false;
  private resolveKilled!: () => void;
  readonly killed = new Promise<void>((resolve) => (this.resolveKilled = resolve));

  constructor(readonly hooks: RunHooks = {}) {}

  /** Like SIGKILL: every call of this run hangs from now on, nothing more is sent or recorded. */
  kill(): void {
    this.dead = true;
    this.resolveKilled();
  }
}

const context = new AsyncLocalStorage<Run>();
const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

/** MapiClient methods that talk to the system. */
const CALLS = new Set([
  "getService",
  "softwareVersion",
  "getServerCertificate",
  "listCertificates",
  "getCertificate",
  "uploadCertificate",
  "deleteCertificate",
  "listLinks",
  "getLink",
  "linkExists",
  "createLink",
  "modifyLink",
  "deleteLink",
  "getLinkContent",
  "getLocalCandidates",
  "addTenant",
  "removeTenant",
  "addDirectory",
  "removeDirectory",
  "getTenantStatus",
  "runLinkAction",
]);

function wrapClient(client: MapiClient, system: SystemConnection, run: Run): MapiClient {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== "function") return value;
      const method = value as (...a: unknown[]) => unknown;
      if (typeof prop !== "string" || !CALLS.has(prop)) return method.bind(target);
      return async (...args: unknown[]) => {
        if (run.dead) return never();
        const call: ClientCall = { system: system.name, method: prop, args };
        await run.hooks.before?.(call, run);
        if (run.dead) return never();
        try {
          return await method.apply(target, args);
        } catch (err) {
          call.error = err;
          throw err;
        } finally {
          if (!run.dead) await run.hooks.after?.(call, run);
          // A process killed while this call was in flight never learns its outcome.
          if (run.dead) await never();
        }
      };
    },
  });
}

let installed = false;

/**
 * Routes the providers' MAPI clients and progress lines through the current {@link Run}. Outside a run
 * (or without hooks) the providers behave exactly as shipped. Call once per test file (in beforeAll).
 */
export function installRuntimeHooks(): void {
  if (installed) return;
  installed = true;
  const realConnect = runtime.connect;
  jest.spyOn(runtime, "connect").mockImplementation((system, options = {}) => {
    const run = context.getStore();
    const timeoutMs = run?.hooks.timeoutMsFor?.(system.name);
    const client = realConnect(system, timeoutMs !== undefined ? { ...options, timeoutMs } : options);
    return run ? wrapClient(client, system, run) : client;
  });
  // connectPair calls connect inside its own module, past the spy above: route it through the spy.
  jest.spyOn(runtime, "connectPair").mockImplementation((primary, replica) => ({ primary: runtime.connect(primary), replica: runtime.connect(replica) }));
  jest.spyOn(runtime, "progressLog").mockImplementation((prefix) => {
    const run = context.getStore();
    return (line: string) => {
      if (!run || run.dead) return;
      const text = `${prefix}: ${line}`;
      run.lines.push(text);
      run.hooks.onLog?.(text, run);
    };
  });
}

/** Runs `work` inside `run`'s context. */
export function inRun<T>(run: Run, work: () => Promise<T>): Promise<T> {
  return context.run(run, work);
}

/** JSON round trip: what survives the engine's wire (no undefined, no functions). */
export function wire<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** A resource's state as the engine keeps it. */
export class ResourceState<I, O> {
  id: string | undefined;
  inputs: I | undefined;
  outputs: O | undefined;
  constructor(
    readonly name: string,
    readonly provider: dynamic.ResourceProvider<I, O>,
  ) {}
}

export interface StackOptions {
  /** "failover": the ReplicationFailover resource alone (the trusts and the link are left out). */
  only?: "failover";
  completeRecoveryWhenBehindSeconds?: number;
  waitTimeoutSeconds?: number;
  pollIntervalSeconds?: number;
  linkName?: string;
  remoteHost?: string;
  tenants?: string[];
  /** Declares acceptDataLoss with this reason (a failover while the systems cannot talk needs it). */
  acceptDataLossReason?: string;
}

export interface UpOutcome {
  ok: boolean;
  killed: boolean;
  /** The resource whose step failed. */
  failedResource?: string;
  error?: Error;
  run: Run;
}

/** Raised for check failures, as the engine reports them. */
export class CheckFailedError extends Error {
  constructor(
    readonly resource: string,
    readonly failures: dynamic.CheckFailure[],
  ) {
    super(`${resource}: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
}

type AnyResource = ResourceState<object, object>;

async function checkResource(res: AnyResource, news: object): Promise<object> {
  const result = await res.provider.check!(wire(res.inputs ?? {}), wire(news));
  if (result.failures && result.failures.length > 0) throw new CheckFailedError(res.name, result.failures);
  return wire(result.inputs ?? news);
}

/** The engine records a partial-state rejection's properties as the resource's state (not once the process died). */
async function guard<T>(run: Run, res: AnyResource, checked: object, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const e = err as { id?: unknown; properties?: object };
    if (!run.dead && e && typeof e.id === "string" && e.properties && typeof e.properties === "object") {
      res.id = e.id;
      res.inputs = checked;
      res.outputs = wire(e.properties);
    }
    throw err;
  }
}

/**
 * `pulumi up` over resources in dependency order: check -> create, or diff -> update when it reports
 * changes. Stops at the first failure (dependents are skipped). Resolves (never rejects) with what happened.
 */
export async function upResources(resources: Array<[AnyResource, object]>, hooks: RunHooks = {}): Promise<UpOutcome> {
  const run = new Run(hooks);
  let failedResource: string | undefined;
  // A killed provider records nothing: after each await, a dead run stops here for good.
  const alive = async <T>(value: Promise<T>): Promise<T> => {
    const result = await value;
    if (run.dead) await never();
    return result;
  };
  const work = inRun(run, async () => {
    for (const [res, news] of resources) {
      failedResource = res.name;
      const checked = await alive(checkResource(res, news));
      if (res.id === undefined) {
        const created = await alive(guard(run, res, checked, () => res.provider.create(checked)));
        res.id = created.id;
        res.inputs = checked;
        res.outputs = wire(created.outs ?? {});
        continue;
      }
      const diff = await alive(res.provider.diff!(res.id, wire(res.outputs ?? {}), checked));
      if (diff.changes === false) {
        res.inputs = checked; // a "same" step keeps the outputs and records the new inputs
        continue;
      }
      const updated = await alive(guard(run, res, checked, () => res.provider.update!(res.id as string, wire(res.outputs ?? {}), checked)));
      res.inputs = checked;
      res.outputs = wire(updated.outs ?? {});
    }
    failedResource = undefined;
  });
  return Promise.race([
    work.then(
      (): UpOutcome => ({ ok: true, killed: false, run }),
      (err: unknown): UpOutcome => ({ ok: false, killed: false, failedResource, error: err instanceof Error ? err : new Error(String(err)), run }),
    ),
    run.killed.then((): UpOutcome => ({ ok: false, killed: true, failedResource, error: new Error(`provider process killed during ${failedResource}`), run })),
  ]);
}

/** `pulumi preview` of resources: check and diff; names those that would change. */
export async function previewResources(resources: Array<[AnyResource, object]>, hooks: RunHooks = {}): Promise<{ changed: string[]; checked: object[]; run: Run }> {
  const run = new Run(hooks);
  return inRun(run, async () => {
    const changed: string[] = [];
    const checkedAll: object[] = [];
    for (const [res, news] of resources) {
      const checked = await checkResource(res, news);
      checkedAll.push(checked);
      if (res.id === undefined) {
        changed.push(`${res.name} (create)`);
        continue;
      }
      const diff = await res.provider.diff!(res.id, wire(res.outputs ?? {}), checked);
      if (diff.changes !== false) changed.push(res.name);
    }
    return { changed, checked: checkedAll, run };
  });
}

/** The demo stack's resources, in dependency order. */
export class ProviderStack {
  readonly trustBA = new ResourceState<TrustInputs, TrustOutputs>("replica-trusts-primary", trustProvider);
  readonly trustAB = new ResourceState<TrustInputs, TrustOutputs>("primary-trusts-replica", trustProvider);
  readonly link = new ResourceState<LinkInputs, LinkOutputs>("link", linkProvider);
  readonly failover = new ResourceState<FailoverInputs, FailoverOutputs>("failover", failoverProvider);

  constructor(
    readonly primary: SystemConnection,
    readonly replica: SystemConnection,
    /** Mutable, as a program's declaration is between two runs. */
    public options: StackOptions = {},
  ) {}

  private desired(state: FailoverState): Array<[ResourceState<object, object>, object]> {
    const all = this.all(state);
    return this.options.only === "failover" ? all.slice(3) : all;
  }

  private all(state: FailoverState): Array<[ResourceState<object, object>, object]> {
    const o = this.options;
    const linkName = o.linkName ?? "link-ab";
    const a = this.primary;
    const b = this.replica;
    return [
      [this.trustBA as unknown as ResourceState<object, object>, { certificateOf: a, trustedBy: b }],
      [this.trustAB as unknown as ResourceState<object, object>, { certificateOf: b, trustedBy: a }],
      [
        this.link as unknown as ResourceState<object, object>,
        { primary: a, replica: b, linkName, type: "ACTIVE_PASSIVE", remoteHost: o.remoteHost ?? "hcp-b.example.com", tenants: o.tenants ?? ["finance", "media"], allowDeletion: false },
      ],
      [
        this.failover as unknown as ResourceState<object, object>,
        {
          link: linkName,
          primary: a,
          replica: b,
          state,
          dnsFailover: false,
          completeRecoveryWhenBehindSeconds: o.completeRecoveryWhenBehindSeconds,
          waitTimeoutSeconds: o.waitTimeoutSeconds,
          pollIntervalSeconds: o.pollIntervalSeconds ?? 1,
          ...(o.acceptDataLossReason ? { acceptDataLoss: true, acceptDataLossReason: o.acceptDataLossReason } : {}),
        },
      ],
    ];
  }

  /** `pulumi up` with `state` declared. Resolves (never rejects) with what happened. */
  up(state: FailoverState, hooks: RunHooks = {}): Promise<UpOutcome> {
    this.newProcess();
    return upResources(this.desired(state), hooks);
  }

  /** Each `pulumi` command gets a provider process of its own: nothing learnt of the systems' reachability carries over. */
  private newProcess(): void {
    processReachability.forget(this.primary.endpoint);
    processReachability.forget(this.replica.endpoint);
  }

  /** `pulumi refresh` of the failover resource: read(id, state); the engine keeps what it returns. */
  async refreshFailover(hooks: RunHooks = {}): Promise<FailoverOutputs> {
    const res = this.failover;
    const result = await inRun(new Run(hooks), () => res.provider.read!(res.id as string, wire(res.outputs as FailoverOutputs)));
    res.outputs = wire(result.props as FailoverOutputs);
    if (result.inputs) res.inputs = wire(result.inputs as unknown as FailoverInputs);
    return res.outputs;
  }

  /** `pulumi preview`: check and diff every resource; nothing else. Names the resources that would change. */
  async preview(state: FailoverState, hooks: RunHooks = {}): Promise<{ changed: string[]; plannedSteps: string[]; run: Run }> {
    this.newProcess();
    const { changed, checked, run } = await previewResources(this.desired(state), hooks);
    return { changed, plannedSteps: (checked[checked.length - 1] as FailoverInputs).plannedSteps ?? [], run };
  }
}

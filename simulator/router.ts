import { SimError, badRequest } from "./errors";

/**
 * Path templates: literal segments, `{name}` for one segment, `{name+}` for the rest of the path.
 * Routes are tried in order, so list specific templates before general ones.
 */

export const METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

export interface Route<H> {
  readonly template: string;
  readonly handlers: Partial<Record<Method, H>>;
}

export interface RouteMatch<H> {
  readonly route: Route<H>;
  readonly params: Readonly<Record<string, string>>;
}

export function isMethod(value: string | undefined): value is Method {
  return (METHODS as readonly string[]).includes(value ?? "");
}

/** The first route whose template matches `path`, with the decoded parameters. */
export function matchRoute<H>(routes: readonly Route<H>[], path: string): RouteMatch<H> | undefined {
  const segments = splitPath(path);
  for (const route of routes) {
    const params = matchTemplate(route.template, segments);
    if (params) return { route, params };
  }
  return undefined;
}

/** The methods a route answers, for a 405's `Allow` header (HEAD wherever GET is). */
export function allowedMethods<H>(route: Route<H>): string {
  return METHODS.filter((m) => handlerOf(route, m) !== undefined).join(", ");
}

/** The route's handler for `method`, or a 405 with `Allow`. */
export function handlerFor<H>(route: Route<H>, method: string): H {
  const handler = isMethod(method) ? handlerOf(route, method) : undefined;
  if (!handler) throw new SimError(405, `${method} is not allowed on ${route.template}`, { Allow: allowedMethods(route) });
  return handler;
}

/** A HEAD without its own handler runs the GET handler (the body is not sent). */
function handlerOf<H>(route: Route<H>, method: Method): H | undefined {
  return route.handlers[method] ?? (method === "HEAD" ? route.handlers.GET : undefined);
}

/** Decoded, non-empty segments of a path (a trailing slash is ignored). */
export function splitPath(path: string): string[] {
  try {
    return path
      .split("/")
      .filter((segment) => segment.length > 0)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw badRequest(`Malformed percent-encoding in path ${path.slice(0, 200)}`);
  }
}

function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = template.split("/").filter((part) => part.length > 0);
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const rest = /^\{(\w+)\+\}$/.exec(part);
    if (rest) {
      if (i >= segments.length) return undefined;
      params[rest[1]!] = segments.slice(i).join("/");
      return params;
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    const param = /^\{(\w+)\}$/.exec(part);
    if (param) params[param[1]!] = segment;
    else if (part !== segment) return undefined;
  }
  return segments.length === parts.length ? params : undefined;
}

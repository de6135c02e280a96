// Route matching as API Gateway HTTP APIs do it: `METHOD /path/{param}` and a greedy
// `{proxy+}`, literal segments winning over parameters, path parameters URL-decoded.
import type { RouteDeclaration } from "@shopwave/infra/topology";

interface CompiledRoute {
  readonly declaration: RouteDeclaration;
  readonly routeKey: string;
  readonly segments: readonly Segment[];
  /** Literal segments count: the most specific route wins, as on API Gateway. */
  readonly specificity: number;
}

type Segment = { kind: "literal"; value: string } | { kind: "param"; name: string } | { kind: "greedy"; name: string };

export function compileRoute(declaration: RouteDeclaration): CompiledRoute {
  const segments: Segment[] = declaration.path
    .split("/")
    .slice(1)
    .map((part) => {
      const param = /^\{([^{}+]+)(\+?)\}$/.exec(part);
      if (!param) return { kind: "literal", value: part };
      return param[2] ? { kind: "greedy", name: param[1]! } : { kind: "param", name: param[1]! };
    });
  return {
    declaration,
    routeKey: `${declaration.method} ${declaration.path}`,
    segments,
    specificity: segments.filter((segment) => segment.kind === "literal").length,
  };
}

export interface RouteMatch {
  readonly route: CompiledRoute;
  readonly pathParameters: Record<string, string>;
}

function matchPath(route: CompiledRoute, rawPath: string): Record<string, string> | undefined {
  const parts = rawPath.split("/").slice(1);
  const parameters: Record<string, string> = {};
  for (let i = 0; i < route.segments.length; i++) {
    const segment = route.segments[i]!;
    if (segment.kind === "greedy") {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join("/") === "") return undefined;
      const value = safeDecode(rest.join("/"));
      if (value === undefined) return undefined;
      parameters[segment.name] = value;
      return parameters;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.kind === "literal") {
      if (part !== segment.value) return undefined;
    } else {
      if (part === "") return undefined;
      const value = safeDecode(part);
      if (value === undefined) return undefined;
      parameters[segment.name] = value;
    }
  }
  return parts.length === route.segments.length ? parameters : undefined;
}

export function findRoute(routes: readonly CompiledRoute[], method: string, rawPath: string): RouteMatch | undefined {
  let best: RouteMatch | undefined;
  for (const route of routes) {
    const routeMethod = route.declaration.method as string;
    if (routeMethod !== method && routeMethod !== "ANY") continue;
    const pathParameters = matchPath(route, rawPath);
    if (!pathParameters) continue;
    if (!best || route.specificity > best.route.specificity) best = { route, pathParameters };
  }
  return best;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

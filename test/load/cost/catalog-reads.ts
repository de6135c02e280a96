// DynamoDB reads caused by catalog views during a load run: the read requests and request units
// of the functions behind the catalog routes (GET /products, GET /products/{id}), per view a
// shopper made. With the CDN in front, they should not grow with the number of shoppers.
import { routes } from "@shopwave/infra/topology";
import { functionNameFor } from "@shopwave/local/aws/lambda-context";
import type { AwsUsage } from "./aws-usage-meter";

export interface CatalogReads {
  views: number;
  /** Views the CDN answered from its cache (fresh or stale) and the ones it passed to the API. */
  cdn: { hits: number; staleHits: number; misses: number } | null;
  apiRequests: number;
  dynamodbReadRequests: number;
  readRequestUnits: number;
  readsPerView: number;
  rruPerView: number;
}

export const catalogFunctions: ReadonlySet<string> = new Set(routes.filter((r) => r.method === "GET" && r.path.startsWith("/products")).map((r) => functionNameFor(r.handler)));
export const routeFunctions: ReadonlySet<string> = new Set(routes.map((r) => functionNameFor(r.handler)));

export function catalogReads(usage: AwsUsage, views: number, cdn: { hit: number; stale: number; miss: number } | null): CatalogReads {
  let apiRequests = 0;
  let readRequests = 0;
  let rru = 0;
  for (const name of catalogFunctions) {
    apiRequests += usage.functions[name]?.invocations ?? 0;
    readRequests += usage.dynamodb.byFunction[name]?.readRequests ?? 0;
    rru += usage.dynamodb.byFunction[name]?.rru ?? 0;
  }
  const per = (value: number) => (views > 0 ? Math.round((value / views) * 10_000) / 10_000 : 0);
  return {
    views,
    cdn: cdn ? { hits: cdn.hit, staleHits: cdn.stale, misses: cdn.miss } : null,
    apiRequests,
    dynamodbReadRequests: readRequests,
    readRequestUnits: rru,
    readsPerView: per(readRequests),
    rruPerView: per(rru),
  };
}

export function formatCatalogReads(reads: CatalogReads): string {
  const cdn = reads.cdn ? ` (CDN: ${reads.cdn.hits} hits, ${reads.cdn.staleHits} stale hits, ${reads.cdn.misses} misses)` : "";
  return [
    `Catalog reads: ${reads.views} catalog views${cdn}`,
    `  reached the API ${reads.apiRequests}, DynamoDB read requests ${reads.dynamodbReadRequests} (${reads.readRequestUnits} RRU)`,
    `  per view: ${reads.readsPerView} DynamoDB reads, ${reads.rruPerView} RRU`,
  ].join("\n");
}

// A fixed-window request counter in DynamoDB: one conditional-free `ADD` per request, keyed by
// who is asking and which window it is, expiring through the table's TTL. A fixed window lets a
// client burst up to twice the limit across a window boundary, which is fine for abuse control.
//
// Hand-written rather than rate-limiter-flexible's RateLimiterDynamo: that needs the aggregated
// `DynamoDB` client (every command in every bundle), calls DescribeTimeToLive/UpdateTimeToLive
// from the function unless told otherwise (control-plane permissions in a request path), and
// spends two UpdateItems per request where one ADD is enough.
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { RateLimited } from "./domain-error";
import type { Store } from "./store";

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

const RateLimitSetting = z
  .string()
  .trim()
  .regex(/^(off|\d+\/\d+s)$/, 'use "off" or "<requests>/<seconds>s", e.g. "10/60s"');

/** Parses settings such as "10/60s" (10 requests per 60 s) or "off" (undefined). */
export function parseRateLimit(raw: string | undefined, name: string): RateLimit | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const parsed = RateLimitSetting.safeParse(raw);
  if (!parsed.success) throw new Error(`${name}=${raw} is not valid: ${parsed.error.issues[0]!.message}.`);
  if (parsed.data === "off") return undefined;
  const [limit, window] = parsed.data.slice(0, -1).split("/").map(Number) as [number, number];
  if (limit < 1 || window < 1) throw new Error(`${name}=${raw} is not valid: both numbers must be at least 1.`);
  return { limit, windowSeconds: window };
}

/** What the counter needs of a Store (the issuer has no products or orders table). */
export type RateLimitStore = Pick<Store, "db"> & { readonly tables: Pick<Store["tables"], "rateLimits"> };

/** Counts one request for `key` in the current window; throws RateLimited past the limit. */
export async function consumeRateLimit(store: RateLimitStore, scope: string, key: string, rule: RateLimit, now = new Date()): Promise<void> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % rule.windowSeconds);
  const windowEnd = windowStart + rule.windowSeconds;
  const result = await store.db.send(
    new UpdateCommand({
      TableName: store.tables.rateLimits,
      Key: { id: `${scope}#${key}#${windowStart}` },
      UpdateExpression: "ADD hits :one SET expiresAt = :expiresAt",
      // Kept a window past its end, then DynamoDB's TTL deletes it.
      ExpressionAttributeValues: { ":one": 1, ":expiresAt": windowEnd + rule.windowSeconds },
      ReturnValues: "UPDATED_NEW",
    }),
  );
  const hits = Number(result.Attributes?.hits ?? 0);
  if (hits > rule.limit) {
    throw new RateLimited(`Too many requests: at most ${rule.limit} every ${rule.windowSeconds} s. Try again shortly.`, Math.max(1, windowEnd - nowSeconds));
  }
}

// Opaque pagination cursors: DynamoDB's LastEvaluatedKey, base64url-encoded JSON. Decoding
// validates the shape so a tampered cursor is a 400, never a 500 from the database.
import * as z from "zod";
import { ValidationFailed } from "../shared/domain-error";

// A page can end on a stock shard's item (`<product id>#stock#<k>`, inventory/stock-shards.ts), whose id is longer than a product's.
const ProductsPageKey = z.object({ id: z.string().min(1).max(64 + 16) }).strict();
export type ProductsPageKey = z.infer<typeof ProductsPageKey>;

export function encodeCursor(key: ProductsPageKey | Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** The products page key, or the key `schema` describes (another listing's LastEvaluatedKey). */
export function decodeCursor(cursor: string): ProductsPageKey;
export function decodeCursor<Schema extends z.ZodType>(cursor: string, schema: Schema): z.infer<Schema>;
export function decodeCursor(cursor: string, schema: z.ZodType = ProductsPageKey): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new ValidationFailed("The cursor is not valid; use the nextCursor of a previous page.");
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new ValidationFailed("The cursor is not valid; use the nextCursor of a previous page.");
  return result.data;
}

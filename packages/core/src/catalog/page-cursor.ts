// Opaque pagination cursors: DynamoDB's LastEvaluatedKey, base64url-encoded JSON. Decoding
// validates the shape so a tampered cursor is a 400, never a 500 from the database.
import * as z from "zod";
import { ValidationFailed } from "../shared/domain-error";

// A page can end on a stock shard's item (`<product id>#stock#<k>`, inventory/stock-shards.ts), whose id is longer than a product's.
const ProductsPageKey = z.object({ id: z.string().min(1).max(64 + 16) }).strict();
export type ProductsPageKey = z.infer<typeof ProductsPageKey>;

export function encodeCursor(key: ProductsPageKey): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): ProductsPageKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new ValidationFailed("The cursor is not valid; use the nextCursor of a previous page.");
  }
  const result = ProductsPageKey.safeParse(parsed);
  if (!result.success) throw new ValidationFailed("The cursor is not valid; use the nextCursor of a previous page.");
  return result.data;
}

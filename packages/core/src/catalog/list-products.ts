// A page of the catalog. The catalog is small and read-mostly, so a Scan with a page limit is
// the right tool here; a GSI would only matter for filtered or sorted listings.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Store } from "../shared/store";
import { decodeCursor, encodeCursor } from "./page-cursor";
import { Product } from "./product";
import { SHARD_OF_ATTRIBUTE, withStockTotals } from "../inventory/stock-shards";

export const MAX_PAGE_SIZE = 100;

export interface ProductPage {
  items: Product[];
  nextCursor?: string;
}

export async function listProducts(store: Store, page: { limit: number; cursor?: string }): Promise<ProductPage> {
  const exclusiveStartKey = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const result = await store.db.send(
    new ScanCommand({
      TableName: store.tables.products,
      Limit: Math.min(page.limit, MAX_PAGE_SIZE),
      ExclusiveStartKey: exclusiveStartKey,
      // A sharded product's extra stock shards live in this table too; they are not products.
      FilterExpression: "attribute_not_exists(#shardOf)",
      ExpressionAttributeNames: { "#shardOf": SHARD_OF_ATTRIBUTE },
    }),
  );
  const items = await withStockTotals(
    store,
    (result.Items ?? []).map((item) => Product.parse(item)),
    { consistent: false },
  );
  const last = result.LastEvaluatedKey;
  return last ? { items, nextCursor: encodeCursor({ id: String(last.id) }) } : { items };
}

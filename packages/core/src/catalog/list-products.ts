// A page of the catalog. The catalog is small and read-mostly, so a Scan with a page limit is
// the right tool here; a GSI would only matter for filtered or sorted listings.
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Store } from "../shared/store";
import { decodeCursor, encodeCursor } from "./page-cursor";
import { Product } from "./product";

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
    }),
  );
  const items = (result.Items ?? []).map((item) => Product.parse(item));
  const last = result.LastEvaluatedKey;
  return last ? { items, nextCursor: encodeCursor({ id: String(last.id) }) } : { items };
}

// Reading products by id: one for the product page, many (one round trip) for pricing an order.
import { BatchGetCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { NotFound } from "../shared/domain-error";
import type { Store } from "../shared/store";
import { Product } from "./product";
import { readShardLevels, withStockTotals } from "../inventory/stock-shards";

export async function getProduct(store: Store, id: string): Promise<Product> {
  const result = await store.db.send(new GetCommand({ TableName: store.tables.products, Key: { id } }));
  if (!result.Item) throw new NotFound(`Product ${id}`);
  const [product] = await withStockTotals(store, [Product.parse(result.Item)], { consistent: false });
  return product!;
}

/**
 * Products by id; ids that do not exist are simply absent from the map. Reads are strongly
 * consistent so prices and stock (summed over a sharded product's shards) are current.
 */
export async function getProducts(store: Store, ids: readonly string[]): Promise<Map<string, Product>> {
  return (await getProductsWithShards(store, ids)).products;
}

/** getProducts, plus what each of a product's stock shards holds (where an order reserves from). */
export async function getProductsWithShards(
  store: Store,
  ids: readonly string[],
): Promise<{ products: Map<string, Product>; availableByShard: Map<string, number[]> }> {
  const items: Record<string, unknown>[] = [];
  let pending: Record<string, unknown>[] = [...new Set(ids)].map((id) => ({ id }));
  // BatchGet may return UnprocessedKeys under throttling; retry those with a short backoff.
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    if (attempt > 8) throw new Error("DynamoDB kept returning unprocessed keys while reading products.");
    const result = await store.db.send(
      new BatchGetCommand({ RequestItems: { [store.tables.products]: { Keys: pending, ConsistentRead: true } } }),
    );
    items.push(...(result.Responses?.[store.tables.products] ?? []));
    pending = (result.UnprocessedKeys?.[store.tables.products]?.Keys as Record<string, unknown>[] | undefined) ?? [];
  }
  const levels = await readShardLevels(store, items, { consistent: true });
  const products = new Map<string, Product>();
  const availableByShard = new Map<string, number[]>();
  for (const item of items) {
    const available = (levels.get(String(item.id)) ?? []).map((shard) => shard.available);
    const product = Product.parse({ ...item, stock: available.reduce((sum, a) => sum + a, 0) });
    products.set(product.id, product);
    availableByShard.set(product.id, available);
  }
  return { products, availableByShard };
}

// The console's live sale view: the shop's orders (placed, confirmed, cancelled, refunded) and, for
// every product, units sold and revenue, in total and per minute over the last minutes, from the
// sales counters the order events maintain (core/order-events/sales-counters.ts): items read by
// key, no scan of orders. The catalog is small and read-mostly, so it is read page by page (a scan,
// as the storefront's listing does); counters are read per product, consistently.
import { listProducts } from "../catalog/list-products";
import { readOrderCounts, readSalesCounters, type ProductSales, type ShopOrders } from "../order-events/sales-counters";
import type { Store } from "../shared/store";

export interface SaleSnapshot {
  at: string;
  /** Start of the per-minute window. */
  since: string;
  /** The shop's orders: since the counters began, and per minute since `since`. */
  orders: ShopOrders;
  products: (ProductSales & { name: string; stock: number })[];
}

export async function readSaleSnapshot(store: Store, options: { minutes: number; now?: Date }): Promise<SaleSnapshot> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - options.minutes * 60_000).toISOString();
  const products = [];
  let cursor: string | undefined;
  do {
    const page = await listProducts(store, { limit: 100, ...(cursor ? { cursor } : {}) });
    products.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const [orders, sales] = await Promise.all([
    readOrderCounts(store, { from: since }),
    Promise.all(products.map(async (product) => ({ ...(await readSalesCounters(store, product.id, { from: since })), name: product.name, stock: product.stock }))),
  ]);
  return { at: now.toISOString(), since, orders, products: sales };
}

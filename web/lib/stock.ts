// What a shopper is told about a product's stock, shared by the catalog, product and cart pages.

/** At or below this many, the badge warns that stock is running out. */
export const LOW_STOCK_THRESHOLD = 5;
/** The API accepts 1-10 of a product per order line. */
export const MAX_QUANTITY_PER_LINE = 10;

export type StockLevel = "sold-out" | "low" | "in-stock";

export function stockLevel(stock: number): StockLevel {
  if (stock <= 0) return "sold-out";
  return stock <= LOW_STOCK_THRESHOLD ? "low" : "in-stock";
}

export function stockLabel(stock: number): string {
  const level = stockLevel(stock);
  if (level === "sold-out") return "Sold out";
  return level === "low" ? `Only ${stock} left` : "In stock";
}

/** The most of one product a shopper can put on one line: what is left, within the API's limit. */
export function maxOrderable(stock: number): number {
  return Math.max(0, Math.min(stock, MAX_QUANTITY_PER_LINE));
}

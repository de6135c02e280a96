// "Only 3 left" / "Sold out" / "In stock", coloured by level (the words carry the meaning).
import { stockLabel, stockLevel } from "../lib/stock";

export function StockBadge({ stock }: { stock: number }) {
  return <span className={`stock-badge stock-${stockLevel(stock)}`}>{stockLabel(stock)}</span>;
}

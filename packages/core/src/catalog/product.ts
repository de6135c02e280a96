// The catalog's product: the shape stored in the products table and returned by the API.
import * as z from "zod";
import { MAX_STOCK_SHARDS } from "../inventory/stock-shards";

export const ProductId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "product ids are lowercase letters, digits and dashes");

export const Currency = z.string().regex(/^[a-z]{3}$/, "ISO 4217 code in lowercase, e.g. usd");

export const Product = z.object({
  id: ProductId,
  name: z.string().min(1).max(200),
  description: z.string().max(2000),
  /** Unit price in the currency's minor unit (cents for usd). */
  priceCents: z.number().int().positive(),
  currency: Currency,
  /** Root-relative path served by the storefront (no external hosts), or an absolute URL. */
  imageUrl: z.string().min(1),
  /** Units available to order, summed over the product's stock shards (inventory/stock-shards.ts). */
  stock: z.number().int().nonnegative(),
  /** How many shards hold the stock (default 1): more for a product expecting more orders a second than one partition takes. */
  stockShards: z.number().int().min(1).max(MAX_STOCK_SHARDS).optional(),
  /** A hot item's lower cap on units one customer may hold in unpaid orders at once (see reservation-holds.ts). */
  maxPerCustomer: z.number().int().positive().optional(),
});
export type Product = z.infer<typeof Product>;

// Placing an order: validate the cart, price it from the catalog (never from the client),
// reserve stock and write the order atomically, then open a Checkout Session for it. If the
// payment provider cannot be reached, the reservation is released before the error surfaces.
import * as z from "zod";
import { normalizeEmail, type Principal } from "../accounts/principal";
import { getProductsWithShards } from "../catalog/get-product";
import { shardCountOf } from "../inventory/stock-shards";
import { ProductId } from "../catalog/product";
import { OutOfStock, PaymentProviderUnavailable, ValidationFailed } from "../shared/domain-error";
import type { Store } from "../shared/store";
import { randomId } from "../shared/random-id";
import type { CheckoutGateway } from "../payments/checkout-gateway";
import { newAccessToken } from "./access-token";
import type { OrderLine, OrderRecord, OrderView } from "./order";
import { toOrderView } from "./order";
import { attachCheckoutSession, cancelOrder, insertOrderReservingStock, pendingShardFor } from "./order-store";
import { planHolds, type HoldLimits } from "./reservation-holds";

export const MAX_QUANTITY_PER_LINE = 10;
export const MAX_LINES_PER_ORDER = 20;

export const CreateOrderInput = z
  .object({
    email: z.email({ message: "a valid email address is required" }).max(254),
    items: z
      .array(
        z
          .object({
            productId: ProductId,
            quantity: z.number().int().min(1).max(MAX_QUANTITY_PER_LINE),
          })
          .strict(),
      )
      .min(1, "an order needs at least one item")
      .max(MAX_LINES_PER_ORDER),
  })
  .strict();
export type CreateOrderInput = z.infer<typeof CreateOrderInput>;

export interface CreateOrderSettings {
  /** Minutes the stock stays reserved while the shopper pays (see RESERVATION_MINUTES). */
  reservationMinutes: number;
  /**
   * Builds the shopper's return URLs. They never carry the access token: a URL given to Stripe
   * sits in the session, in every event about it and in access logs. The shopper's browser
   * keeps the token instead (it gets it in the answer to POST /orders).
   */
  successUrl: (orderId: string) => string;
  cancelUrl: (orderId: string) => string;
}

export interface PlacedOrder {
  order: OrderView;
  checkoutUrl: string;
  accessToken: string;
}

/** Merges repeated product lines so one product is reserved by one conditional write. */
export function mergeLines(items: CreateOrderInput["items"]): { productId: string; quantity: number }[] {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}

export async function createOrder(
  deps: {
    store: Store;
    checkout: CheckoutGateway;
    settings: CreateOrderSettings;
    /** Caps on what one email / client address may hold in unpaid orders (none when absent). */
    holdLimits?: HoldLimits;
    now?: () => Date;
  },
  input: CreateOrderInput,
  /**
   * Who is asking: the client's address (API Gateway's sourceIp) for the holds, and the signed-in
   * customer when a valid token came with the order (it is then recorded, and the order's email
   * must be the one they verified).
   */
  caller: { clientAddress?: string; customer?: Principal } = {},
): Promise<PlacedOrder> {
  const now = deps.now?.() ?? new Date();
  // One spelling, so the byEmail index finds every order of an address however it was typed.
  const email = normalizeEmail(input.email);
  if (caller.customer && normalizeEmail(caller.customer.email) !== email) {
    throw new ValidationFailed("Signed in, an order uses your account's email address.", [
      { path: "email", message: "must be the signed-in customer's email" },
    ]);
  }
  const requested = mergeLines(input.items);
  const overLimit = requested.filter((line) => line.quantity > MAX_QUANTITY_PER_LINE);
  if (overLimit.length > 0) {
    throw new ValidationFailed(`At most ${MAX_QUANTITY_PER_LINE} of one product per order.`, {
      items: overLimit.map((line) => ({ productId: line.productId, quantity: line.quantity })),
    });
  }

  const { products, availableByShard } = await getProductsWithShards(deps.store, requested.map((line) => line.productId));
  const unknown = requested.filter((line) => !products.has(line.productId)).map((line) => line.productId);
  if (unknown.length > 0) {
    throw new ValidationFailed(`Unknown product: ${unknown.join(", ")}.`, { unknownProductIds: unknown });
  }
  const lines: OrderLine[] = requested.map((line) => {
    const product = products.get(line.productId)!;
    return { productId: product.id, name: product.name, unitPriceCents: product.priceCents, quantity: line.quantity };
  });
  const currencies = new Set(lines.map((line) => products.get(line.productId)!.currency));
  if (currencies.size > 1) throw new ValidationFailed("All items of an order must share one currency.");
  const currency = [...currencies][0]!;

  // A cheap read-side check (stock summed over the shards) rejects a sold-out item without a
  // write; the conditional writes below remain the guarantee against overselling.
  const short = lines.filter((line) => products.get(line.productId)!.stock < line.quantity);
  if (short.length > 0) {
    throw new OutOfStock(
      short.map((line) => ({
        productId: line.productId,
        name: line.name,
        requested: line.quantity,
        available: products.get(line.productId)!.stock,
      })),
    );
  }

  // Throws before any write when this order alone is over a cap; the counters in the
  // transaction below decide the rest, atomically with the reservation.
  const holds = deps.holdLimits
    ? planHolds(
        { email: input.email, ...(caller.clientAddress === undefined ? {} : { clientAddress: caller.clientAddress }) },
        requested.map((line) => ({ ...line, maxPerCustomer: products.get(line.productId)!.maxPerCustomer })),
        deps.holdLimits,
      )
    : [];

  const id = randomId("ord");
  const token = newAccessToken();
  const expiresAt = Math.floor(now.getTime() / 1000) + deps.settings.reservationMinutes * 60;
  const record: OrderRecord = {
    id,
    status: "PENDING_PAYMENT",
    email,
    ...(caller.customer ? { customerId: caller.customer.customerId } : {}),
    items: lines,
    totalCents: lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0),
    currency,
    accessTokenHash: token.hash,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt,
    pendingShard: pendingShardFor(id, deps.store.indexes.pendingByExpiry.shardCount),
    ...(holds.length > 0 ? { holds: holds.map(({ key, units, orders }) => ({ key, units, orders })) } : {}),
  };
  const placed = await insertOrderReservingStock(deps.store, record, holds, {
    shardCounts: new Map(lines.map((line) => [line.productId, shardCountOf(products.get(line.productId)!)])),
    availableByShard,
  });

  let session;
  try {
    session = await deps.checkout.createSession({
      orderId: id,
      email,
      currency,
      lines,
      expiresAt,
      successUrl: deps.settings.successUrl(id),
      cancelUrl: deps.settings.cancelUrl(id),
    });
  } catch (error) {
    // Nobody can pay an order whose checkout URL we never handed out: give the stock back.
    await cancelOrder(deps.store, id, "payment_provider_unavailable", deps.now?.() ?? new Date());
    if (error instanceof PaymentProviderUnavailable) throw error;
    throw new PaymentProviderUnavailable("Could not start the payment; please try again shortly.", 5, error);
  }

  const withSession = await attachCheckoutSession(deps.store, id, session, deps.now?.() ?? new Date());
  return {
    order: toOrderView(withSession ?? { ...placed, checkoutSessionId: session.id, checkoutUrl: session.url }),
    checkoutUrl: session.url,
    accessToken: token.token,
  };
}

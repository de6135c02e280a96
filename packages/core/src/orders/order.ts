// The order: its status state machine, the stored record and the public view the API returns.
import * as z from "zod";
import { Currency, ProductId } from "../catalog/product";
import { HoldCharge } from "./reservation-holds";

export const OrderStatus = z.enum(["PENDING_PAYMENT", "CONFIRMED", "CANCELLED", "REFUNDED"]);
export type OrderStatus = z.infer<typeof OrderStatus>;

/**
 * Allowed transitions, enforced by the store: every write that changes a status is built from
 * this table (order-store.ts statusChange) and conditional on the "from" status, so a duplicate
 * or out-of-order event finds the order elsewhere and changes nothing.
 */
export const orderTransitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING_PAYMENT: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["REFUNDED"],
  CANCELLED: [],
  REFUNDED: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return orderTransitions[from].includes(to);
}

export const OrderId = z.string().regex(/^ord_[0-9a-z]{26}$/, "not an order id");

export const OrderLine = z.object({
  productId: ProductId,
  name: z.string(),
  unitPriceCents: z.number().int().positive(),
  quantity: z.number().int().positive(),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const CancellationReason = z.enum([
  "checkout_session_expired",
  "async_payment_failed",
  "reservation_lapsed",
  "payment_provider_unavailable",
  "cancelled_by_shopper",
  "cancelled_by_operator",
]);
export type CancellationReason = z.infer<typeof CancellationReason>;

/** A payment event (or provider answer) that named this order but did not match what it recorded. */
export const PaymentMismatchRecord = z.object({
  /** The Stripe event id, or `provider:<session or payment id>` for a read-back. */
  source: z.string(),
  at: z.string(),
  sessionId: z.string().optional(),
  paymentIntentId: z.string().optional(),
  fields: z.array(z.object({ field: z.string(), expected: z.union([z.string(), z.number(), z.null()]), received: z.union([z.string(), z.number(), z.null()]) })),
});
export type PaymentMismatchRecord = z.infer<typeof PaymentMismatchRecord>;

/** One operator refund recorded on its order (full or partial; a full one also moves the order to REFUNDED through the webhook). */
export const OrderRefund = z.object({
  refundId: z.string(),
  /** The operator's request id (one request, one refund). */
  requestId: z.string(),
  amountCents: z.number().int().positive(),
  reason: z.enum(["requested_by_customer", "duplicate", "fraudulent"]),
  note: z.string(),
  operatorId: z.string(),
  at: z.string(),
});
export type OrderRefund = z.infer<typeof OrderRefund>;

/** The item stored in the orders table. */
export const OrderRecord = z.object({
  id: OrderId,
  status: OrderStatus,
  email: z.string(),
  items: z.array(OrderLine).min(1),
  totalCents: z.number().int().nonnegative(),
  currency: Currency,
  /** The signed-in customer who placed it (absent for a guest order); the email is theirs then. */
  customerId: z.string().optional(),
  /** SHA-256 of the access token: a leaked table dump does not reveal tokens. */
  accessTokenHash: z.string(),
  /** SHA-256 of each token issued for a link the shop sent (order-link.ts), oldest first. */
  linkTokenHashes: z.array(z.string()).optional(),
  checkoutSessionId: z.string().optional(),
  checkoutUrl: z.string().optional(),
  paymentIntentId: z.string().optional(),
  cancellationReason: CancellationReason.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Epoch seconds when the stock reservation (and the Checkout Session) lapses. */
  expiresAt: z.number().int(),
  /** Kept for operators, at most MAX_RECORDED_MISMATCHES; never acted on. */
  paymentMismatches: z.array(PaymentMismatchRecord).optional(),
  /** A payment that succeeded after the order was cancelled (a race) and its automatic refund. */
  latePaymentRefund: z.object({ paymentIntentId: z.string(), refundId: z.string().optional(), refundedAt: z.string() }).optional(),
  /** Operator refunds, full or partial, as the provider confirmed them (admin/refund-order.ts). */
  refunds: z.array(OrderRefund).optional(),
  /** What Stripe has refunded of the payment so far (`charge.refunded` in part; any refund, the Dashboard's too). */
  providerRefundedCents: z.number().int().nonnegative().optional(),
  /** The console's `byStatus` index keys (order-store.ts statusShardFor / listedAtFor). */
  statusShard: z.string().optional(),
  listedAt: z.string().optional(),
  /** Present only while PENDING_PAYMENT: the sparse index the sweeper reads. */
  pendingShard: z.string().optional(),
  /** The hold counters this order charged (reservation-holds.ts), given back when it leaves PENDING_PAYMENT. */
  holds: z.array(HoldCharge).optional(),
  /**
   * Which stock shard each unit was reserved from (inventory/stock-shards.ts), so leaving
   * PENDING_PAYMENT sells or releases exactly those. Absent on orders placed before stock was
   * sharded: their release goes back to the product item's stock, as it did then.
   */
  stockTakes: z.array(z.object({ productId: ProductId, shard: z.number().int().nonnegative(), quantity: z.number().int().positive() })).optional(),
});
export type OrderRecord = z.infer<typeof OrderRecord>;

/** What the API returns: no token hash, no index bookkeeping. */
export interface OrderView {
  id: string;
  status: OrderStatus;
  email: string;
  items: OrderLine[];
  totalCents: number;
  currency: string;
  checkoutSessionId: string | null;
  /** Where a pending order can still be paid; null once the order left PENDING_PAYMENT. */
  checkoutUrl: string | null;
  cancellationReason: CancellationReason | null;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

export function toOrderView(record: OrderRecord): OrderView {
  return {
    id: record.id,
    status: record.status,
    email: record.email,
    items: record.items,
    totalCents: record.totalCents,
    currency: record.currency,
    checkoutSessionId: record.checkoutSessionId ?? null,
    checkoutUrl: record.status === "PENDING_PAYMENT" ? (record.checkoutUrl ?? null) : null,
    cancellationReason: record.cancellationReason ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    expiresAt: new Date(record.expiresAt * 1000).toISOString(),
  };
}

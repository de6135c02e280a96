// An operator cancels a pending order through the shopper's own path (cancelPendingOrder: the
// session is expired first, a payment that got in first wins, the stock is released once). The
// cancellation runs through the provider and the settlement's own transaction, so its audit
// entry is written after it, with the outcome: succeeded, no_change (already cancelled) or failed.
import { DomainError, NotFound } from "../shared/domain-error";
import type { Store } from "../shared/store";
import type { CheckoutGateway } from "../payments/checkout-gateway";
import { cancelPendingOrder } from "../orders/cancel-order";
import { OrderId, type OrderView } from "../orders/order";
import { getOrderRecord } from "../orders/order-store";
import { newAuditEntry, recordAuditEntry, type AuditLog, type Operator } from "./audit-log";

export async function cancelOrderAsOperator(
  deps: { store: Store; checkout: CheckoutGateway; audit: AuditLog; now?: () => Date },
  operator: Operator,
  orderId: string,
  note: string,
): Promise<OrderView> {
  if (!OrderId.safeParse(orderId).success) throw new NotFound("Order");
  const record = await getOrderRecord(deps.store, orderId);
  if (!record) throw new NotFound("Order");
  const before = { status: record.status };
  const audit = (result: "succeeded" | "no_change" | "failed", after: unknown, error?: string) =>
    recordAuditEntry(
      deps.audit,
      newAuditEntry({ operator, action: "order.cancel", target: `order:${orderId}`, reason: note, before, after, result, ...(error ? { error } : {}) }, deps.now?.() ?? new Date()),
    );
  let view: OrderView;
  try {
    view = await cancelPendingOrder(deps, record, "cancelled_by_operator");
  } catch (error) {
    if (error instanceof DomainError) await audit("failed", undefined, `${error.code}: ${error.message}`);
    throw error;
  }
  await audit(record.status === "CANCELLED" ? "no_change" : "succeeded", { status: view.status, cancellationReason: view.cancellationReason });
  return view;
}

// POST /admin/orders/{id}/refunds { requestId, amountCents?, reason, note }: a full or partial
// refund through Stripe; the same requestId twice is one refund (200 both times, `replayed`).
import { refundOrderAsOperator, RefundOrderInput } from "@shopwave/core/admin/refund-order";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { parseJsonBody } from "../http/request-parsing";
import { auditLog } from "../shared/audit-log";
import { countMetric } from "../shared/observability";
import { store } from "../shared/store";
import { refundGateway } from "../shared/stripe-refunds";

export const handler = adminHandler("POST /admin/orders/{id}/refunds", async (event, operator, log) => {
  const orderId = event.pathParameters?.id ?? "";
  log.appendKeys({ orderId });
  const input = parseJsonBody(event, RefundOrderInput, { maxBytes: 4096 });
  const outcome = await refundOrderAsOperator({ store, audit: auditLog, refunds: refundGateway }, operator, orderId, input);
  if (!outcome.replayed) countMetric("OperatorRefunds");
  log.info("operator refund", { refundId: outcome.refund.refundId, amountCents: outcome.refund.amountCents, replayed: outcome.replayed });
  return jsonResponse(outcome.replayed ? 200 : 201, outcome);
});

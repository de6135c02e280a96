// POST /admin/orders/{id}/cancel { note }: an operator cancels a pending order (the shopper's path).
import * as z from "zod";
import { cancelOrderAsOperator } from "@shopwave/core/admin/cancel-order-as-operator";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { parseJsonBody } from "../http/request-parsing";
import { auditLog } from "../shared/audit-log";
import { store } from "../shared/store";
import { checkoutGateway } from "../shared/stripe";

const CancelInput = z.object({ note: z.string().trim().min(1).max(500) }).strict();

export const handler = adminHandler("POST /admin/orders/{id}/cancel", async (event, operator, log) => {
  const orderId = event.pathParameters?.id ?? "";
  log.appendKeys({ orderId });
  const { note } = parseJsonBody(event, CancelInput, { maxBytes: 2048 });
  const order = await cancelOrderAsOperator({ store, checkout: checkoutGateway, audit: auditLog }, operator, orderId, note);
  log.info("order cancelled by an operator");
  return jsonResponse(200, order);
});

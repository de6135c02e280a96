// POST /admin/products/{id}/stock { requestId, change: { set } | { add }, reason }: sets what is on
// hand or adds/removes units; refused (409) if it would leave less than unpaid orders hold.
import { adjustProductStock, StockAdjustmentInput } from "@shopwave/core/admin/adjust-product-stock";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { parseJsonBody } from "../http/request-parsing";
import { auditLog } from "../shared/audit-log";
import { store } from "../shared/store";

export const handler = adminHandler("POST /admin/products/{id}/stock", async (event, operator, log) => {
  const productId = event.pathParameters?.id ?? "";
  const input = parseJsonBody(event, StockAdjustmentInput, { maxBytes: 2048 });
  const outcome = await adjustProductStock({ store, audit: auditLog }, operator, productId, input);
  log.info("stock adjusted by an operator", { productId, change: input.change, ...outcome });
  return jsonResponse(outcome.replayed ? 200 : 201, outcome);
});

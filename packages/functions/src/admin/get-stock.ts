// GET /admin/products/{id}/stock: available vs reserved (by unpaid orders) vs sold, summed over the
// product's stock shards.
import { readStockLevels } from "@shopwave/core/inventory/adjust-stock";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { store } from "../shared/store";

export const handler = adminHandler("GET /admin/products/{id}/stock", async (event) => {
  const { available, reserved, sold } = await readStockLevels(store, event.pathParameters?.id ?? "");
  return jsonResponse(200, { productId: event.pathParameters?.id, available, reserved, sold });
});

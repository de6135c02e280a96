// GET /products/{id}: one product, 404 when it does not exist.
import { getProduct } from "@shopwave/core/catalog/get-product";
import { ProductId } from "@shopwave/core/catalog/product";
import { NotFound } from "@shopwave/core/shared/domain-error";
import { httpHandler } from "../http/http-handler";
import { CATALOG_CACHE_CONTROL } from "../http/catalog-cache-control";
import { jsonResponse } from "../http/json-response";
import { store } from "../shared/store";

export const handler = httpHandler("GET /products/{id}", async (event) => {
  const id = ProductId.safeParse(event.pathParameters?.id);
  // A malformed id cannot name a product: same answer as an unknown one.
  if (!id.success) throw new NotFound("Product");
  return jsonResponse(200, await getProduct(store, id.data), { "cache-control": CATALOG_CACHE_CONTROL });
});

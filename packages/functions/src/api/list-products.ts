// GET /products?limit=&cursor=: a page of the catalog.
import * as z from "zod";
import { listProducts, MAX_PAGE_SIZE } from "@shopwave/core/catalog/list-products";
import { httpHandler } from "../http/http-handler";
import { CATALOG_CACHE_CONTROL } from "../http/catalog-cache-control";
import { jsonResponse } from "../http/json-response";
import { parseQuery } from "../http/request-parsing";
import { store } from "../shared/store";

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  cursor: z.string().min(1).max(1024).optional(),
});

export const handler = httpHandler("GET /products", async (event) => {
  const query = parseQuery(event, Query);
  const page = await listProducts(store, query);
  return jsonResponse(200, page, { "cache-control": CATALOG_CACHE_CONTROL });
});

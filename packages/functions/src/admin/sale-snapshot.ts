// GET /admin/sales?minutes=: the live sale view's figures: per product, units sold and revenue in
// total and per minute over the last `minutes` (default 15), with the dead-letter queues' depths.
import * as z from "zod";
import { readSaleSnapshot } from "@shopwave/core/admin/sale-snapshot";
import { listDeadLetterQueues } from "@shopwave/core/operations/dead-letters";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { parseQuery } from "../http/request-parsing";
import { deadLetterDeps } from "../shared/dead-letter-queues";
import { store } from "../shared/store";

const SalesQuery = z.object({ minutes: z.coerce.number().int().min(1).max(120).default(15) }).strict();

export const handler = adminHandler("GET /admin/sales", async (event) => {
  const { minutes } = parseQuery(event, SalesQuery);
  const [snapshot, deadLetters] = await Promise.all([readSaleSnapshot(store, { minutes }), listDeadLetterQueues(deadLetterDeps())]);
  return jsonResponse(200, { ...snapshot, deadLetters });
});

// GET /admin/sales?minutes=: the live sale view's figures: the shop's orders and, per product, units
// sold and revenue, in total and per minute over the last `minutes` (default 15), with the depths of
// the consumers' queues and of their dead-letter queues.
import * as z from "zod";
import { readSaleSnapshot } from "@shopwave/core/admin/sale-snapshot";
import { listDeadLetterQueues, listSourceQueueDepths } from "@shopwave/core/operations/dead-letters";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { parseQuery } from "../http/request-parsing";
import { deadLetterDeps } from "../shared/dead-letter-queues";
import { store } from "../shared/store";

const SalesQuery = z.object({ minutes: z.coerce.number().int().min(1).max(120).default(15) }).strict();

export const handler = adminHandler("GET /admin/sales", async (event) => {
  const { minutes } = parseQuery(event, SalesQuery);
  const queues = deadLetterDeps();
  const [snapshot, deadLetters, queueDepths] = await Promise.all([readSaleSnapshot(store, { minutes }), listDeadLetterQueues(queues), listSourceQueueDepths(queues)]);
  return jsonResponse(200, { ...snapshot, queues: queueDepths, deadLetters });
});

// GET /admin/dead-letters/{queue}/messages?max=: parked messages, looked at and left in place
// (each look counts as a receive).
import * as z from "zod";
import { inspectDeadLetters, MAX_INSPECTED } from "@shopwave/core/operations/dead-letters";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { parseQuery } from "../http/request-parsing";
import { deadLetterDeps } from "../shared/dead-letter-queues";

const InspectQuery = z.object({ max: z.coerce.number().int().min(1).max(MAX_INSPECTED).default(10) }).strict();

export const handler = adminHandler("GET /admin/dead-letters/{queue}/messages", async (event) => {
  const { max } = parseQuery(event, InspectQuery);
  return jsonResponse(200, { messages: await inspectDeadLetters(deadLetterDeps(), event.pathParameters?.queue ?? "", max) });
});

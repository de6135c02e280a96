// POST /admin/dead-letters/{queue}/messages/{messageId}/redrive: one message back to its source queue.
import { redriveDeadLetter } from "@shopwave/core/operations/dead-letters";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { deadLetterDeps } from "../shared/dead-letter-queues";

export const handler = adminHandler("POST /admin/dead-letters/{queue}/messages/{messageId}/redrive", async (event, operator, log) => {
  const queue = event.pathParameters?.queue ?? "";
  const messageId = event.pathParameters?.messageId ?? "";
  const result = await redriveDeadLetter(deadLetterDeps(), operator, queue, messageId);
  log.info("dead letter redriven", { queue, ...result });
  return jsonResponse(200, result);
});

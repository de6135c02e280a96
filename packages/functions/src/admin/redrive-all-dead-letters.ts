// POST /admin/dead-letters/{queue}/redrive: SQS's message-move task returns every parked message
// to its source queue; GET …/move-tasks follows it.
import { redriveAllDeadLetters } from "@shopwave/core/operations/dead-letters";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { deadLetterDeps } from "../shared/dead-letter-queues";

export const handler = adminHandler("POST /admin/dead-letters/{queue}/redrive", async (event, operator, log) => {
  const queue = event.pathParameters?.queue ?? "";
  const task = await redriveAllDeadLetters(deadLetterDeps(), operator, queue);
  log.info("dead-letter redrive started", { queue, ...task });
  return jsonResponse(202, task);
});

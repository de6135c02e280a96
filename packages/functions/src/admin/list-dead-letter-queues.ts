// GET /admin/dead-letters: every dead-letter queue with its depth.
import { listDeadLetterQueues } from "@shopwave/core/operations/dead-letters";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { deadLetterDeps } from "../shared/dead-letter-queues";

export const handler = adminHandler("GET /admin/dead-letters", async () => {
  return jsonResponse(200, { queues: await listDeadLetterQueues(deadLetterDeps()) });
});

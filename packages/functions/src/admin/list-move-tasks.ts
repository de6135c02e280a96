// GET /admin/dead-letters/{queue}/move-tasks: the queue's recent redrive-all tasks and their progress.
import { listMoveTasks } from "@shopwave/core/operations/dead-letters";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { deadLetterDeps } from "../shared/dead-letter-queues";

export const handler = adminHandler("GET /admin/dead-letters/{queue}/move-tasks", async (event) => {
  return jsonResponse(200, { tasks: await listMoveTasks(deadLetterDeps(), event.pathParameters?.queue ?? "") });
});

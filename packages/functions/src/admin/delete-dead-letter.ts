// POST /admin/dead-letters/{queue}/messages/{messageId}/delete { reason }: one message deleted for
// good (its body stays in the audit entry).
import * as z from "zod";
import { deleteDeadLetter } from "@shopwave/core/operations/dead-letters";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { parseJsonBody } from "../http/request-parsing";
import { deadLetterDeps } from "../shared/dead-letter-queues";

const DeleteInput = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

export const handler = adminHandler("POST /admin/dead-letters/{queue}/messages/{messageId}/delete", async (event, operator, log) => {
  const queue = event.pathParameters?.queue ?? "";
  const messageId = event.pathParameters?.messageId ?? "";
  const { reason } = parseJsonBody(event, DeleteInput, { maxBytes: 2048 });
  await deleteDeadLetter(deadLetterDeps(), operator, queue, messageId, reason);
  log.info("dead letter deleted", { queue, messageId });
  return jsonResponse(200, { deleted: messageId });
});

// GET /admin/audit?operatorId=|target=&limit=&cursor=: the audit log, newest first.
import * as z from "zod";
import { listAuditEntries, MAX_AUDIT_PAGE } from "@shopwave/core/admin/audit-log";
import { adminHandler } from "../http/admin-handler";
import { jsonResponse } from "../http/json-response";
import { parseQuery } from "../http/request-parsing";
import { auditLog } from "../shared/audit-log";

const AuditQuery = z
  .object({
    operatorId: z.string().min(1).max(200).optional(),
    target: z.string().min(1).max(300).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(50),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

export const handler = adminHandler("GET /admin/audit", async (event) => {
  return jsonResponse(200, await listAuditEntries(auditLog, parseQuery(event, AuditQuery)));
});

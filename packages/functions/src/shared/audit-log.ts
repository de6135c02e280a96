// Core's AuditLog for the console's handlers: the linked audit table and its indexes.
import type { AuditLog } from "@shopwave/core/admin/audit-log";
import { tables } from "@shopwave/infra/topology";
import { Resource } from "sst";
import { documentClient } from "./dynamodb";

const [byTime, byOperator, byTarget] = tables.audit.globalIndexes;

export const auditLog: AuditLog = {
  db: documentClient,
  get table() {
    return Resource.AuditTable.name;
  },
  indexes: { byTime: byTime.name, byOperator: byOperator.name, byTarget: byTarget.name },
};

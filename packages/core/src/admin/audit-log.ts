// The operator audit log: who did what to which target, when, before → after, and how it ended.
// Entries are only ever written by a conditional put on a fresh id (never updated or deleted), as
// a TransactWriteItems entry beside the change they record where the change is in DynamoDB, or
// as a put of its own, with the outcome, where the change is elsewhere (Stripe, SQS).
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { isConditionalCheckFailed } from "../shared/dynamodb-errors";
import { ValidationFailed } from "../shared/domain-error";
import type { TransactItem } from "../inventory/stock-writes";
import { randomId } from "../shared/random-id";

export interface AuditLog {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly indexes: { readonly byTime: string; readonly byOperator: string; readonly byTarget: string };
}

/** The operator acting: their account id and email, from the verified token. */
export interface Operator {
  readonly id: string;
  readonly email: string;
}

export const AuditAction = z.enum(["order.refund", "order.cancel", "stock.adjust", "dlq.redrive", "dlq.redrive_all", "dlq.delete"]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditResult = z.enum(["succeeded", "no_change", "failed"]);
export type AuditResult = z.infer<typeof AuditResult>;

/** Every entry shares one `log` partition in the byTime index (see topology: a few writes a minute). */
const LOG_PARTITION = "audit";

export const AuditEntry = z.object({
  id: z.string(),
  log: z.literal(LOG_PARTITION),
  at: z.string(),
  operatorId: z.string(),
  operatorEmail: z.string(),
  action: AuditAction,
  /** `<kind>:<id>`: `order:ord_…`, `product:<id>`, `queue:<resource>`. */
  target: z.string(),
  reason: z.string().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  result: AuditResult,
  /** What went wrong, for a failed action (never a secret: the provider's message, an error code). */
  error: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export interface AuditEntryInput {
  operator: Operator;
  action: AuditAction;
  target: string;
  reason?: string;
  before?: unknown;
  after?: unknown;
  result: AuditResult;
  error?: string;
  /** A deterministic id makes a retried request's entry the same entry (e.g. from the client's request id). */
  id?: string;
}

export function newAuditEntry(input: AuditEntryInput, now: Date): AuditEntry {
  return {
    id: input.id ?? randomId("aud"),
    log: LOG_PARTITION,
    at: now.toISOString(),
    operatorId: input.operator.id,
    operatorEmail: input.operator.email,
    action: input.action,
    target: input.target,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.before !== undefined ? { before: input.before } : {}),
    ...(input.after !== undefined ? { after: input.after } : {}),
    result: input.result,
    ...(input.error !== undefined ? { error: input.error } : {}),
  };
}

/** The entry as a TransactWriteItems Put: commits (or not) with the change it records, and only once. */
export function auditEntryItem(log: Pick<AuditLog, "table">, entry: AuditEntry): TransactItem {
  return { Put: { TableName: log.table, Item: entry, ConditionExpression: "attribute_not_exists(id)" } };
}

/** Writes an entry on its own (an external change); false when an entry with this id already exists. */
export async function recordAuditEntry(log: AuditLog, entry: AuditEntry): Promise<boolean> {
  try {
    await log.db.send(new PutCommand({ TableName: log.table, Item: entry, ConditionExpression: "attribute_not_exists(id)" }));
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

export const MAX_AUDIT_PAGE = 100;

const AuditPageKey = z
  .object({ id: z.string().max(80), at: z.string().max(40), log: z.string().max(20).optional(), operatorId: z.string().max(200).optional(), target: z.string().max(300).optional() })
  .strict();

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor?: string;
}

/** Newest first: all entries, or one operator's, or one target's (one filter at a time, each its own index). */
export async function listAuditEntries(
  log: AuditLog,
  query: { operatorId?: string; target?: string; limit: number; cursor?: string },
): Promise<AuditPage> {
  if (query.operatorId !== undefined && query.target !== undefined) throw new ValidationFailed("Filter the audit log by operator or by target, not both.");
  const [index, hashKey, value] =
    query.operatorId !== undefined
      ? [log.indexes.byOperator, "operatorId", query.operatorId]
      : query.target !== undefined
        ? [log.indexes.byTarget, "target", query.target]
        : [log.indexes.byTime, "log", LOG_PARTITION];
  const result = await log.db.send(
    new QueryCommand({
      TableName: log.table,
      IndexName: index,
      KeyConditionExpression: "#key = :value",
      ExpressionAttributeNames: { "#key": hashKey },
      ExpressionAttributeValues: { ":value": value },
      ScanIndexForward: false,
      Limit: Math.min(Math.max(1, query.limit), MAX_AUDIT_PAGE),
      ...(query.cursor !== undefined ? { ExclusiveStartKey: decodeAuditCursor(query.cursor) } : {}),
    }),
  );
  const entries = (result.Items ?? []).map((item) => AuditEntry.parse(item));
  return result.LastEvaluatedKey ? { entries, nextCursor: Buffer.from(JSON.stringify(result.LastEvaluatedKey)).toString("base64url") } : { entries };
}

function decodeAuditCursor(cursor: string): Record<string, string> {
  try {
    return AuditPageKey.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw new ValidationFailed("The cursor is not valid; use the nextCursor of a previous page.");
  }
}

// Each order's timeline: what happened to it and when (placed, payment received, confirmed, email
// sent, cancelled, refunded), appended by the event consumers and shown to the shopper. An entry
// is keyed by its id, so a redelivered event appends nothing new; entries are few per order and
// read together, so they are ordered by time on read.
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { isConditionalCheckFailed } from "../shared/dynamodb-errors";
import type { Store } from "../shared/store";
import type { OrderEvent } from "./order-event";

export const TimelineKind = z.enum(["placed", "payment_received", "confirmed", "email_sent", "cancelled", "refunded"]);
export type TimelineKind = z.infer<typeof TimelineKind>;

/** Small, shopper-safe facts about an entry (a cancellation's reason, the email's subject …): never secrets. */
export const TimelineDetail = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
export type TimelineDetail = z.infer<typeof TimelineDetail>;

export const TimelineEntry = z.object({
  orderId: z.string().min(1),
  /** Unique per order and deterministic from what caused it (e.g. `<event id>:confirmed`), so a retry appends the same entry. */
  entryId: z.string().min(1).max(512),
  kind: TimelineKind,
  at: z.iso.datetime(),
  detail: TimelineDetail.optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** What the API shows: no ids, oldest first. */
export interface TimelineView {
  kind: TimelineKind;
  at: string;
  detail?: TimelineDetail;
}

/** Appends the entry unless one with its id is there already. True when this call added it. */
export async function appendTimelineEntry(store: Store, entry: TimelineEntry): Promise<boolean> {
  const item = TimelineEntry.parse(entry);
  try {
    await store.db.send(
      new PutCommand({
        TableName: store.tables.orderTimeline,
        Item: item,
        ConditionExpression: "attribute_not_exists(entryId)",
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** The order's timeline, oldest first (entries at the same instant in a stable order: by kind's place in the life of an order, then id). */
export async function readTimeline(store: Store, orderId: string): Promise<TimelineView[]> {
  const entries: TimelineEntry[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await store.db.send(
      new QueryCommand({
        TableName: store.tables.orderTimeline,
        KeyConditionExpression: "orderId = :orderId",
        ExpressionAttributeValues: { ":orderId": orderId },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    entries.push(...(page.Items ?? []).map((item) => TimelineEntry.parse(item)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const rank = (kind: TimelineKind) => TimelineKind.options.indexOf(kind);
  entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || rank(a.kind) - rank(b.kind) || a.entryId.localeCompare(b.entryId));
  return entries.map(({ kind, at, detail }) => (detail ? { kind, at, detail } : { kind, at }));
}

/**
 * The entries an order event adds to its order's timeline, each id derived from the event's, so a
 * redelivered event appends nothing. A confirmation is two facts: the payment arrived, and the order
 * was confirmed with it (both at the moment of the confirming write).
 */
export function timelineEntriesFor(event: OrderEvent): TimelineEntry[] {
  const entry = (kind: TimelineKind, detail?: TimelineDetail): TimelineEntry => ({
    orderId: event.orderId,
    entryId: `${event.id}:${kind}`,
    kind,
    at: event.occurredAt,
    ...(detail ? { detail } : {}),
  });
  switch (event.type) {
    case "OrderPlaced":
      return [entry("placed", { totalCents: event.totalCents, currency: event.currency })];
    case "OrderConfirmed":
      return [entry("payment_received", { amountCents: event.totalCents, currency: event.currency }), entry("confirmed")];
    case "OrderCancelled":
      return [entry("cancelled", { reason: event.reason })];
    case "OrderRefunded":
      return [entry("refunded", { amountCents: event.totalCents, currency: event.currency })];
  }
}

/** Appends the event's entries (each once). How many were new. */
export async function recordOnTimeline(store: Store, event: OrderEvent): Promise<number> {
  const added = await Promise.all(timelineEntriesFor(event).map((entry) => appendTimelineEntry(store, entry)));
  return added.filter(Boolean).length;
}

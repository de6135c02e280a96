// What the order events pipeline made of a sale, next to the orders it confirmed: how many of the
// confirmed orders' OrderConfirmed events were published and reached the timeline, how many units
// the sales counters counted, and (on the local stack) how many receipts are in the inbox. The
// pipeline trails the orders, so the counts are polled until they match or a deadline passes; a
// shortfall is reported with where it stopped (a consumer's DLQ, the publisher's failure queue).
import { BatchGetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { readSalesCounters } from "@shopwave/core/order-events/sales-counters";
import type { Store } from "@shopwave/core/shared/store";
import { readEmails } from "../support/inbox";
import { queueDepth } from "./verdict";

export interface EventOutcomes {
  /** Orders the database says are CONFIRMED (this sale's). */
  ordersConfirmed: number;
  /** Of those, how many have their OrderConfirmed event on their timeline (published, delivered, consumed). */
  confirmationsPublished: number;
  /** Units of the product the sales counters counted during the sale. */
  unitsCounted: number;
  /** Units the confirmed orders hold. */
  unitsConfirmed: number;
  /** Receipts in the local inbox for the confirmed orders (null: no inbox to read, e.g. a deployed stage). */
  receipts: number | null;
  /** Why a count differs from ordersConfirmed (empty when they all agree). */
  why: string[];
}

export interface EventOutcomeSources {
  db: DynamoDBDocumentClient;
  sqs: SQSClient;
  tables: { orderTimeline: string; salesCounters: string };
  inboxUrl?: string;
  /** Consumers' DLQ and the publisher's failure queue URLs, by name, to say where events stopped. */
  parkedIn?: Record<string, string>;
}

const storeOf = (sources: EventOutcomeSources): Store =>
  ({ db: sources.db, tables: { orderTimeline: sources.tables.orderTimeline, salesCounters: sources.tables.salesCounters } }) as unknown as Store;

/** The product's units counted so far (read before the sale, to count the sale's alone). */
export async function unitsCountedSoFar(sources: EventOutcomeSources, productId: string): Promise<number> {
  return (await readSalesCounters(storeOf(sources), productId)).total.unitsSold;
}

async function confirmedOnTimeline(sources: EventOutcomeSources, orderIds: readonly string[]): Promise<number> {
  let found = 0;
  for (let i = 0; i < orderIds.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = orderIds.slice(i, i + 100).map((orderId) => ({ orderId, entryId: `${orderId}:OrderConfirmed:v1:confirmed` }));
    while (keys && keys.length > 0) {
      const result = await sources.db.send(new BatchGetCommand({ RequestItems: { [sources.tables.orderTimeline]: { Keys: keys, ConsistentRead: true } } }));
      found += result.Responses?.[sources.tables.orderTimeline]?.length ?? 0;
      keys = result.UnprocessedKeys?.[sources.tables.orderTimeline]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return found;
}

async function receiptsFor(inboxUrl: string, orderIds: readonly string[]): Promise<number> {
  const wanted = new Set(orderIds);
  const receipted = new Set<string>();
  for (const email of await readEmails(inboxUrl, { subject: /receipt/i })) {
    const orderId = /ord_[0-9a-z]{26}/.exec(email.subject)?.[0];
    if (orderId && wanted.has(orderId)) receipted.add(orderId);
  }
  return receipted.size;
}

export async function readEventOutcomes(
  sources: EventOutcomeSources,
  sale: { productId: string; confirmedOrders: readonly { id: string; units: number }[]; unitsCountedBefore: number; waitMs?: number },
): Promise<EventOutcomes> {
  const ids = sale.confirmedOrders.map((order) => order.id);
  const unitsConfirmed = sale.confirmedOrders.reduce((sum, order) => sum + order.units, 0);
  const deadline = Date.now() + (sale.waitMs ?? 30_000);
  for (;;) {
    const [confirmationsPublished, unitsCounted, receipts] = await Promise.all([
      confirmedOnTimeline(sources, ids),
      unitsCountedSoFar(sources, sale.productId).then((units) => units - sale.unitsCountedBefore),
      sources.inboxUrl ? receiptsFor(sources.inboxUrl, ids) : Promise.resolve(null),
    ]);
    const complete = confirmationsPublished === ids.length && unitsCounted === unitsConfirmed && (receipts === null || receipts === ids.length);
    if (complete || Date.now() > deadline) {
      const why: string[] = [];
      if (!complete) {
        if (confirmationsPublished < ids.length) why.push(`${ids.length - confirmationsPublished} confirmation(s) not on their timeline after ${(sale.waitMs ?? 30_000) / 1000} s`);
        if (unitsCounted !== unitsConfirmed) why.push(`sales counters counted ${unitsCounted} unit(s), the confirmed orders hold ${unitsConfirmed}`);
        if (receipts !== null && receipts < ids.length) why.push(`${ids.length - receipts} receipt(s) missing from the inbox`);
        for (const [name, url] of Object.entries(sources.parkedIn ?? {})) {
          const depth = await queueDepth(sources.sqs, url);
          if (depth > 0) why.push(`${depth} message(s) in ${name}`);
        }
      }
      return { ordersConfirmed: ids.length, confirmationsPublished, unitsCounted, unitsConfirmed, receipts, why };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function formatEventOutcomes(outcomes: EventOutcomes): string[] {
  return [
    `  events published      ${outcomes.confirmationsPublished} of ${outcomes.ordersConfirmed} confirmations on their timelines`,
    `  receipts              ${outcomes.receipts ?? "not checked (no inbox)"}${outcomes.receipts === null ? "" : ` for ${outcomes.ordersConfirmed} confirmed orders`}`,
    `  sales counted         ${outcomes.unitsCounted} unit(s) (confirmed orders hold ${outcomes.unitsConfirmed})`,
    ...outcomes.why.map((why) => `  events not equal:     ${why}`),
  ];
}

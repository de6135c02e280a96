// A signed-in customer's orders: every order placed with the email they verified, newest first,
// through the orders table's `byEmail` index. Guest orders placed with that email are included
// (claimed by the verification itself, never by anything the client asserts); the key is only
// ever the principal's own email, so no cursor or id can reach another shopper's orders.
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { decodeCursor, encodeCursor } from "../catalog/page-cursor";
import { NotFound, ValidationFailed } from "../shared/domain-error";
import type { Store } from "../shared/store";
import { OrderId, OrderRecord, toOrderView, type OrderView } from "../orders/order";
import { getOrderRecord } from "../orders/order-store";
import { normalizeEmail, type Principal } from "./principal";

export const MAX_ORDERS_PAGE = 50;

// Every part checked: DynamoDB answers a malformed start key (an empty createdAt, say) with a
// ValidationException, which must be the client's 400, not our 500.
const ByEmailKey = z.object({ id: OrderId, email: z.string().min(3).max(254), createdAt: z.iso.datetime() }).strict();

export interface CustomerOrdersPage {
  items: OrderView[];
  nextCursor?: string;
}

export async function listCustomerOrders(store: Store, principal: Principal, page: { limit: number; cursor?: string }): Promise<CustomerOrdersPage> {
  const email = normalizeEmail(principal.email);
  const start = page.cursor === undefined ? undefined : decodeCursor(page.cursor, ByEmailKey);
  // A cursor is not signed: one naming another email is refused rather than trusted.
  if (start && start.email !== email) throw new ValidationFailed("The cursor is not valid; use the nextCursor of a previous page.");
  const result = await store.db.send(
    new QueryCommand({
      TableName: store.tables.orders,
      IndexName: store.indexes.byEmail.name,
      KeyConditionExpression: "email = :email",
      ExpressionAttributeValues: { ":email": email },
      ScanIndexForward: false,
      Limit: Math.min(page.limit, MAX_ORDERS_PAGE),
      ExclusiveStartKey: start,
    }),
  );
  const items = (result.Items ?? []).map((item) => toOrderView(OrderRecord.parse(item)));
  const last = result.LastEvaluatedKey;
  return last ? { items, nextCursor: encodeCursor({ id: String(last.id), email: String(last.email), createdAt: String(last.createdAt) }) } : { items };
}

/** One of the customer's orders; anyone else's (or none) is the same 404. */
export async function readCustomerOrder(store: Store, principal: Principal, orderId: string): Promise<OrderView> {
  if (!OrderId.safeParse(orderId).success) throw new NotFound("Order");
  const record = await getOrderRecord(store, orderId);
  if (!record || normalizeEmail(record.email) !== normalizeEmail(principal.email)) throw new NotFound("Order");
  return toOrderView(record);
}

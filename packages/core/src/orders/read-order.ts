// Reading an order as its shopper: the access token must match. A wrong token and a missing
// order look the same (404), so the API does not reveal which order ids exist.
import { NotFound } from "../shared/domain-error";
import type { Store } from "../shared/store";
import { opensOrder } from "./access-token";
import { OrderId, toOrderView, type OrderView } from "./order";
import { getOrderRecord } from "./order-store";
import { readTimeline, type TimelineView } from "../order-events/order-timeline";

export async function readOrder(store: Store, orderId: string, accessToken: string): Promise<OrderView> {
  if (!OrderId.safeParse(orderId).success) throw new NotFound("Order");
  const record = await getOrderRecord(store, orderId);
  if (!record || !opensOrder(accessToken, record)) throw new NotFound("Order");
  return toOrderView(record);
}

/** The order as its shopper sees it, with its timeline (oldest first). Both are read at once; the timeline is returned only past the token check. */
export async function readOrderWithTimeline(store: Store, orderId: string, accessToken: string): Promise<OrderView & { timeline: TimelineView[] }> {
  const timeline = OrderId.safeParse(orderId).success ? readTimeline(store, orderId) : Promise.resolve([]);
  // Settled either way, so a refused token does not leave the timeline's read rejecting unobserved.
  timeline.catch(() => undefined);
  const order = await readOrder(store, orderId, accessToken);
  return { ...order, timeline: await timeline };
}

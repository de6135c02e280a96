// Reading an order as its shopper: the access token must match. A wrong token and a missing
// order look the same (404), so the API does not reveal which order ids exist.
import { NotFound } from "../shared/domain-error";
import type { Store } from "../shared/store";
import { opensOrder } from "./access-token";
import { OrderId, toOrderView, type OrderView } from "./order";
import { getOrderRecord } from "./order-store";

export async function readOrder(store: Store, orderId: string, accessToken: string): Promise<OrderView> {
  if (!OrderId.safeParse(orderId).success) throw new NotFound("Order");
  const record = await getOrderRecord(store, orderId);
  if (!record || !opensOrder(accessToken, record)) throw new NotFound("Order");
  return toOrderView(record);
}

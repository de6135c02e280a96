// /admin/orders/{id}: one order, with refund and cancel.
import { OrderDetail } from "../../../../components/admin/order-detail";

export const metadata = { title: "Order" };

export default async function AdminOrderPage({ params }: PageProps<"/admin/orders/[id]">) {
  const { id } = await params;
  return <OrderDetail orderId={id} />;
}

// /admin/orders: the console's order search.
import { OrdersConsole } from "../../../components/admin/orders-console";

export const metadata = { title: "Orders" };

export default function AdminOrdersPage() {
  return <OrdersConsole />;
}

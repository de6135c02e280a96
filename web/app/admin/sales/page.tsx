// /admin/sales: the live sale view and restocking.
import { SaleConsole } from "../../../components/admin/sale-console";

export const metadata = { title: "Sale" };

export default function AdminSalesPage() {
  return <SaleConsole />;
}

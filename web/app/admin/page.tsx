// /admin: the console's landing page points at its sections.
import { redirect } from "next/navigation";

export default function AdminHome() {
  redirect("/admin/orders");
}

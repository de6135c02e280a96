// /admin/audit: the operator audit log.
import { AuditConsole } from "../../../components/admin/audit-console";

export const metadata = { title: "Audit log" };

export default function AdminAuditPage() {
  return <AuditConsole />;
}

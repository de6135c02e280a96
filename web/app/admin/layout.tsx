// The operator console's own frame under /admin: its own navigation, never linked from the shop,
// rendered per request and never cached (every response here is private to one operator).
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { OperatorGate } from "../../components/admin/operator-gate";

export const dynamic = "force-dynamic";
export const fetchCache = "force-no-store";

export const metadata: Metadata = {
  title: { default: "Console", template: "%s · Shopwave console" },
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};

export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div className="admin">
      <nav aria-label="Console" className="admin-nav">
        <strong>Console</strong>
        <Link href="/admin/orders">Orders</Link>
        <Link href="/admin/dead-letters">Dead letters</Link>
        <Link href="/admin/audit">Audit log</Link>
      </nav>
      <OperatorGate>{children}</OperatorGate>
    </div>
  );
}

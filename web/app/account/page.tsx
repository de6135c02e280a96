// /account: the signed-in customer's page, order history included. Always rendered per request
// and never cached (a customer's data must not end up in a shared cache).
import type { Metadata } from "next";
import { connection } from "next/server";
import { AccountView } from "../../components/account-view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your account", robots: { index: false } };

export default async function AccountPage() {
  await connection();
  return <AccountView />;
}

// /account/orders/{id}: one of the signed-in customer's orders, status live, on any device
// (no order token needed: the session proves whose it is). Never cached.
import type { Metadata } from "next";
import { connection } from "next/server";
import { AccountOrder } from "../../../../components/account-order";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your order", robots: { index: false } };

export default async function AccountOrderPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  return <AccountOrder orderId={id} />;
}

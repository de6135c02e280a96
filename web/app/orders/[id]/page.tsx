// The order page Stripe Checkout's success_url returns to: /orders/{id}?token={accessToken}.
// The first render comes from the server; the status then updates live in the browser. An
// unknown order and a wrong token look the same (the API does not say which), and neither
// leaks anything.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OrderStatus } from "../../../components/order-status";
import { apiBaseUrl } from "../../../lib/api-base-url";
import { getOrder } from "../../../lib/shop-api";

export const metadata: Metadata = {
  title: "Your order",
  // The URL carries the order's access token.
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};

export default async function OrderPage({ params, searchParams }: PageProps<"/orders/[id]">) {
  const { id } = await params;
  const { token } = await searchParams;
  if (typeof token !== "string" || !token) notFound();
  const order = await getOrder(apiBaseUrl(), id, token);
  if (!order) notFound();
  return (
    <>
      <h1>Your order</h1>
      <OrderStatus initialOrder={order} token={token} />
      <p>
        <Link className="button" href="/">
          Continue shopping
        </Link>
      </p>
    </>
  );
}

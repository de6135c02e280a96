// The order page, where Stripe Checkout returns the shopper (/orders/{id}?session_id=…). Its URL
// never holds the order's access token: the browser that placed the order kept it, and an order
// link from the shop carries it in the fragment (#token=…), which is never sent to a server. So
// the server renders the frame and the browser reads the order (OrderView). The response says
// Referrer-Policy: no-referrer (next.config.ts) all the same.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { OrderView } from "../../../components/order-view";

export const metadata: Metadata = {
  title: "Your order",
  robots: { index: false, follow: false },
  referrer: "no-referrer",
};

export default async function OrderPage({ params, searchParams }: PageProps<"/orders/[id]">) {
  const { id } = await params;
  // proxy.ts moves a well-formed ?token= (links from before tokens left URLs) into the fragment;
  // one that gets here is not a token (non-ASCII, CR/LF, too long): no such order.
  if ((await searchParams).token !== undefined) notFound();
  return <OrderView orderId={id} />;
}

// The cart page. Stripe Checkout's cancel_url returns here as /cart?cancelled={orderId}
// (the "Back" link on the payment page, e.g. after a declined card).
import type { Metadata } from "next";
import { CartView } from "../../components/cart-view";

export const metadata: Metadata = { title: "Your cart" };

export default async function CartPage({ searchParams }: PageProps<"/cart">) {
  const { cancelled } = await searchParams;
  return (
    <>
      <h1>Your cart</h1>
      <CartView cancelledOrderId={typeof cancelled === "string" && cancelled ? cancelled : null} />
    </>
  );
}

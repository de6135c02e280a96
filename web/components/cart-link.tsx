"use client";
// The header's link to the cart, with the number of items in it.
import Link from "next/link";
import { cartItemCount, useCart } from "../lib/cart-store";

export function CartLink() {
  const count = cartItemCount(useCart());
  const label = count === 0 ? "Cart" : `Cart, ${count === 1 ? "1 item" : `${count} items`}`;
  return (
    <Link href="/cart" className="cart-link" aria-label={label}>
      Cart
      {count > 0 ? (
        <span className="cart-count" aria-hidden="true">
          {count}
        </span>
      ) : null}
    </Link>
  );
}

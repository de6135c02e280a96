"use client";
// The product page's buy box: how many, "Add to cart", and a confirmation announced to
// screen readers with a link on to the cart.
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { addToCart } from "../lib/cart-store";
import { maxOrderable } from "../lib/stock";
import { QuantitySelect } from "./quantity-select";

export function AddToCart({ productId, productName, stock }: { productId: string; productName: string; stock: number }) {
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState<number | null>(null);
  const max = maxOrderable(stock);

  if (max === 0) {
    return (
      <button type="button" className="button" disabled>
        Sold out
      </button>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    addToCart(productId, quantity, productName);
    setAdded(quantity);
  };

  return (
    <form className="buy-box" onSubmit={submit}>
      <QuantitySelect id="quantity" label="Quantity" value={quantity} max={max} onChange={setQuantity} />
      <button type="submit" className="button button-primary">
        Add to cart
      </button>
      <p role="status" className="added-note">
        {added === null ? null : (
          <>
            Added {added} × {productName} to your cart. <Link href="/cart">View cart</Link>
          </>
        )}
      </p>
    </form>
  );
}

// An order link that does not open an order: unknown id, or a missing or wrong token.
import Link from "next/link";

export default function OrderNotFound() {
  return (
    <div className="empty-state">
      <h1>We couldn't find that order</h1>
      <p>The link may be incomplete or mistyped. Use the full link from your order confirmation.</p>
      <Link className="button button-primary" href="/">
        Continue shopping
      </Link>
    </div>
  );
}

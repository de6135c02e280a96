// What an order link that does not open an order shows: unknown id, or a wrong or malformed
// token (the API does not say which). Rendered by the server (not-found.tsx) and by the order
// page in the browser once the API has answered.
import Link from "next/link";

export function OrderNotFound() {
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

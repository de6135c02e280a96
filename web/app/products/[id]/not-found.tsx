// An unknown product id (a mistyped or retired link).
import Link from "next/link";

export default function ProductNotFound() {
  return (
    <div className="empty-state">
      <h1>We couldn't find that product</h1>
      <p>It may have been retired, or the link may be mistyped.</p>
      <Link className="button button-primary" href="/">
        Browse all products
      </Link>
    </div>
  );
}

// Home: the catalog grid, rendered on the server from GET /products with live stock.
import Link from "next/link";
import { ProductImage } from "../components/product-image";
import { StockBadge } from "../components/stock-badge";
import { apiBaseUrl } from "../lib/api-base-url";
import { formatMoney } from "../lib/money";
import { listProducts } from "../lib/shop-api";

/** Images above the fold on a desktop grid load eagerly with high priority (the LCP element). */
const EAGER_IMAGES = 4;

export default async function HomePage() {
  const products = (await listProducts(apiBaseUrl())).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <div className="page-intro">
        <h1>Harbor &amp; Pine goods</h1>
        <p className="lead">Homeware and outdoor goods made in small batches. Pay with a Stripe test card.</p>
      </div>
      {products.length === 0 ? (
        <p>The catalog is empty right now. Please check back soon.</p>
      ) : (
        <ul className="product-grid" aria-label="Products">
          {products.map((product, index) => (
            <li key={product.id} className="product-card">
              <ProductImage src={product.imageUrl} alt={product.name} size={400} priority={index < EAGER_IMAGES} />
              <div className="product-card-body">
                <h2>
                  <Link href={`/products/${encodeURIComponent(product.id)}`} className="card-link">
                    {product.name}
                  </Link>
                </h2>
                <p className="price">{formatMoney(product.priceCents, product.currency)}</p>
                <StockBadge stock={product.stock} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

// A product page: image, price, stock and description from GET /products/{id}, with the
// buy box. An unknown product is a 404 with the catalog's own not-found page.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { AddToCart } from "../../../components/add-to-cart";
import { ProductImage } from "../../../components/product-image";
import { StockBadge } from "../../../components/stock-badge";
import { apiBaseUrl } from "../../../lib/api-base-url";
import { formatMoney } from "../../../lib/money";
import { getProduct } from "../../../lib/shop-api";

// generateMetadata and the page share one API call per request.
const productFor = cache((id: string) => getProduct(apiBaseUrl(), id));

export async function generateMetadata({ params }: PageProps<"/products/[id]">): Promise<Metadata> {
  const product = await productFor((await params).id);
  return product ? { title: product.name, description: product.description } : { title: "Product not found" };
}

export default async function ProductPage({ params }: PageProps<"/products/[id]">) {
  const product = await productFor((await params).id);
  if (!product) notFound();
  return (
    <>
      <p className="back-link">
        <Link href="/">← All products</Link>
      </p>
      <article className="product-detail">
        <ProductImage src={product.imageUrl} alt={product.name} size={560} priority className="product-detail-image" />
        <div className="product-detail-body">
          <h1>{product.name}</h1>
          <p className="price price-large">{formatMoney(product.priceCents, product.currency)}</p>
          <StockBadge stock={product.stock} />
          <p className="description">{product.description}</p>
          <AddToCart productId={product.id} productName={product.name} stock={product.stock} />
        </div>
      </article>
    </>
  );
}

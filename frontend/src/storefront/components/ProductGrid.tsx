import { Link } from "react-router";
import { humanize } from "../../shared/format";
import type { Product } from "../types";
import { Price } from "./Price";
import { ProductImage } from "./ProductImage";

export function ProductGrid({ products, label }: { products: Product[]; label: string }) {
  if (products.length === 0) return <p className="empty">No products here.</p>;
  return (
    <ul className="product-grid" aria-label={label}>
      {products.map((product) => (
        <li key={product.productId} className="product-card">
          <Link to={`/products/${encodeURIComponent(product.productId)}`} className="product-card-link">
            <ProductImage product={product} />
            <span className="product-card-name">{product.name}</span>
          </Link>
          <span className="product-card-meta">
            <Price cents={product.price} currency={product.currency} />
            <span className="muted">{humanize(product.category)}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

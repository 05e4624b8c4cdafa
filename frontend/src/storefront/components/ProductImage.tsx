import { useState } from "react";
import type { Product } from "../types";

/** The product's picture, or a tile with its initial when there is none or it does not load. */
export function ProductImage({ product, size = "card" }: { product: Pick<Product, "name" | "imageUrl" | "category">; size?: "card" | "large" | "thumb" }) {
  const [failed, setFailed] = useState(false);
  if (product.imageUrl && !failed) {
    return <img className={`product-image product-image-${size}`} src={product.imageUrl} alt="" loading="lazy" onError={() => setFailed(true)} />;
  }
  return (
    <div className={`product-image product-image-${size} product-image-placeholder`} data-category={product.category} aria-hidden="true">
      {product.name.charAt(0)}
    </div>
  );
}

import { useState, type CSSProperties } from "react";
import type { Product } from "../types";

/** The product's picture, or a tile with its initial when there is none or it does not load. */
export function ProductImage({ product, size = "card" }: { product: Pick<Product, "name" | "imageUrl" | "category">; size?: "card" | "large" | "thumb" }) {
  const [failed, setFailed] = useState(false);
  if (product.imageUrl && !failed) {
    return <img className={`product-image product-image-${size}`} src={product.imageUrl} alt="" loading="lazy" onError={() => setFailed(true)} />;
  }
  const style = { "--hue": hue(product.category || product.name) } as CSSProperties;
  return (
    <div className={`product-image product-image-${size} product-image-placeholder`} style={style} aria-hidden="true">
      {product.name.charAt(0)}
    </div>
  );
}

/** A stable hue per category, so placeholders tell categories apart. */
function hue(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

import { useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { humanize } from "../../shared/format";
import { ErrorNotice } from "../components/ErrorNotice";
import { Price } from "../components/Price";
import { ProductImage } from "../components/ProductImage";
import { StockStatus } from "../components/StockStatus";
import { usePageTitle, useShop } from "../context";
import { useCartChange, useStock } from "../queries";

export function ProductPage() {
  const { productId = "" } = useParams();
  const { api } = useShop();
  const product = useQuery({ queryKey: ["product", productId], queryFn: () => api.product(productId) });
  usePageTitle(product.data?.name ?? "Product");
  if (product.isPending) return <p className="muted">Loading…</p>;
  if (product.isError) return <ErrorNotice error={product.error} title="Could not load this product." onRetry={() => product.refetch()} />;
  const p = product.data;
  return (
    <article className="product-page" aria-labelledby="page-title">
      <ProductImage product={p} size="large" />
      <div className="product-info">
        <p className="breadcrumb muted">
          <Link to={`/category/${encodeURIComponent(p.category)}`}>{humanize(p.category)}</Link>
        </p>
        <h1 id="page-title">{p.name}</h1>
        <p className="product-price"><Price cents={p.price} currency={p.currency} /></p>
        <StockStatus sku={p.sku} />
        {p.active ? <AddToCart sku={p.sku} /> : <p className="stock stock-out">No longer sold</p>}
        {p.description && <p className="product-description">{p.description}</p>}
        <p className="muted small">SKU {p.sku}</p>
      </div>
    </article>
  );
}

function AddToCart({ sku }: { sku: string }) {
  const { api } = useShop();
  const stock = useStock(sku);
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState<number | null>(null);
  const add = useCartChange((n: number) => api.addToCart(sku, n));
  const inputId = useId();
  const soldOut = stock.data !== undefined && stock.data.available <= 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    add.mutate(quantity, { onSuccess: () => setAdded(quantity) });
  };
  return (
    <form className="add-to-cart" onSubmit={submit}>
      <label htmlFor={inputId}>Quantity</label>
      <input id={inputId} type="number" inputMode="numeric" min={1} max={stock.data?.available || undefined} value={quantity}
        onChange={(e) => setQuantity(Math.max(1, Number(e.target.value) || 1))} required />
      <button type="submit" disabled={add.isPending || soldOut}>
        {add.isPending ? "Adding…" : "Add to cart"}
      </button>
      <div aria-live="polite" className="add-result">
        {added !== null && (
          <p className="notice notice-ok">
            Added {added} to your cart. <Link to="/cart">View cart</Link>
          </p>
        )}
      </div>
      <ErrorNotice error={add.error} title="Not added." />
    </form>
  );
}

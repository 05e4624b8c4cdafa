import { Link, useNavigate } from "react-router";
import { ErrorNotice } from "../components/ErrorNotice";
import { Price } from "../components/Price";
import { ProductImage } from "../components/ProductImage";
import { useAccount, usePageTitle, useShop } from "../context";
import { useCart, useCartChange } from "../queries";
import type { CartLine } from "../types";

export function CartPage() {
  usePageTitle("Your cart");
  const cart = useCart();
  const { session } = useAccount();
  const navigate = useNavigate();
  if (cart.isPending) return <p className="muted">Loading your cart…</p>;
  if (cart.isError) return <ErrorNotice error={cart.error} title="Could not load your cart." onRetry={() => cart.refetch()} />;
  const data = cart.data;
  const lines = data?.items ?? [];
  return (
    <section aria-labelledby="page-title" className="cart-page">
      <h1 id="page-title">Your cart</h1>
      {lines.length === 0 ? (
        <p className="empty">Your cart is empty. <Link to="/">Browse products</Link></p>
      ) : (
        <>
          <ul className="cart-lines" aria-label="Items in your cart">
            {lines.map((line) => (
              <CartLineRow key={line.sku} line={line} currency={data!.currency} />
            ))}
          </ul>
          {data!.unavailable.length > 0 && (
            <p className="notice notice-warn">No longer sold, not counted: {data!.unavailable.join(", ")}</p>
          )}
          <div className="cart-summary">
            <p className="cart-total">
              Total <Price cents={data!.total} currency={data!.currency} />
            </p>
            <button type="button" onClick={() => navigate(session ? "/checkout" : "/signin?next=/checkout")}>
              {session ? "Check out" : "Sign in to check out"}
            </button>
            {!session && <p className="muted small">Your cart stays with you when you sign in or create an account.</p>}
          </div>
        </>
      )}
    </section>
  );
}

function CartLineRow({ line, currency }: { line: CartLine; currency: string }) {
  const { api } = useShop();
  const setQuantity = useCartChange((quantity: number) => api.setQuantity(line.sku, quantity));
  const remove = useCartChange(() => api.removeItem(line.sku));
  const busy = setQuantity.isPending || remove.isPending;
  return (
    <li className="cart-line" data-sku={line.sku}>
      <ProductImage product={{ name: line.name, imageUrl: line.imageUrl, category: "" }} size="thumb" />
      <div className="cart-line-main">
        <Link to={`/products/${encodeURIComponent(line.productId)}`} className="cart-line-name">{line.name}</Link>
        <span className="muted small">
          <Price cents={line.unitPrice} currency={currency} /> each
        </span>
      </div>
      <div className="quantity" role="group" aria-label={`Quantity of ${line.name}`}>
        <button type="button" className="button-icon" aria-label={`One fewer ${line.name}`} disabled={busy || line.quantity <= 1}
          onClick={() => setQuantity.mutate(line.quantity - 1)}>−</button>
        <span className="quantity-value" aria-live="polite">{line.quantity}</span>
        <button type="button" className="button-icon" aria-label={`One more ${line.name}`} disabled={busy}
          onClick={() => setQuantity.mutate(line.quantity + 1)}>+</button>
      </div>
      <span className="cart-line-total"><Price cents={line.lineTotal} currency={currency} /></span>
      <button type="button" className="button-link" disabled={busy} onClick={() => remove.mutate(undefined)}>
        Remove<span className="visually-hidden"> {line.name}</span>
      </button>
      <ErrorNotice error={setQuantity.error ?? remove.error} />
    </li>
  );
}

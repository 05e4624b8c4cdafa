// Checkout: the shipping address goes to the shop; the card goes to the payment processor's
// tokenization endpoint (GET /config), and only the token it answers reaches POST /checkout.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { ApiError } from "../../shared/http";
import { formatMoney } from "../../shared/format";
import { tokenizeCard } from "../api";
import { addressErrors, cardErrors, EMPTY_ADDRESS, parseExpiry, type AddressForm, type CardForm } from "../forms";
import { ErrorNotice } from "../components/ErrorNotice";
import { Price } from "../components/Price";
import { useAccount, usePageTitle, useShop } from "../context";
import { useCart } from "../queries";
import type { Address, CardInput } from "../types";


function TextField({ label, value, onChange, autoComplete, error, required = true, inputMode, placeholder, maxLength }: {
  label: string; value: string; onChange: (value: string) => void; autoComplete: string; error?: string; required?: boolean;
  inputMode?: "numeric" | "text"; placeholder?: string; maxLength?: number;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}{!required && <span className="muted"> (optional)</span>}</label>
      <input id={id} value={value} onChange={(e) => onChange(e.target.value)} autoComplete={autoComplete} required={required}
        inputMode={inputMode} placeholder={placeholder} maxLength={maxLength}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      {error && <span id={`${id}-error`} className="field-error">{error}</span>}
    </div>
  );
}

export function CheckoutPage() {
  usePageTitle("Checkout");
  const { session } = useAccount();
  if (!session) return <Navigate to="/signin?next=/checkout" replace />;
  return <Checkout />;
}

function Checkout() {
  const { api, client: config } = useShop();
  const queries = useQueryClient();
  const navigate = useNavigate();
  const cart = useCart();
  const profile = useQuery({ queryKey: ["profile"], queryFn: () => api.profile() });
  const [address, setAddress] = useState<AddressForm>(EMPTY_ADDRESS);
  const [card, setCard] = useState<CardForm>({ number: "", expiry: "", cvc: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [step, setStep] = useState<"idle" | "tokenizing" | "placing">("idle");
  // one checkout attempt = one token and one Idempotency-Key: a retry after a lost answer reuses both,
  // so the order is placed once; any change to the card starts a new attempt
  const attempt = useRef<{ paymentMethodId: string; key: string } | null>(null);
  const form = useRef<HTMLFormElement>(null);

  const touched = useRef(false); // the shopper typed an address: a late profile must not overwrite it
  useEffect(() => {
    const saved = profile.data?.addresses.find((a) => a.default) ?? profile.data?.addresses[0];
    if (saved && !touched.current) {
      setAddress({
        name: saved.name ?? profile.data?.name ?? "", line1: saved.line1, line2: saved.line2 ?? "", city: saved.city,
        region: saved.region ?? "", postalCode: saved.postalCode, country: saved.country,
      });
    }
  }, [profile.data]);

  if (cart.isPending) return <p className="muted">Loading your cart…</p>;
  if (cart.isError) return <ErrorNotice error={cart.error} title="Could not load your cart." onRetry={() => cart.refetch()} />;
  const data = cart.data;
  if (!data || data.items.length === 0) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">Checkout</h1>
        <p className="empty">Your cart is empty. <Link to="/">Browse products</Link></p>
      </section>
    );
  }

  // after a refused submit, the keyboard lands on the first field to fix (once React has marked it)
  const focusFirstInvalid = () => requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  const clearErrors = (fields: string[]) => setErrors((current) => {
    const next = { ...current };
    for (const field of fields) delete next[field];
    return next;
  });
  const editCard = (change: Partial<CardForm>) => {
    attempt.current = null;
    setCard({ ...card, ...change });
    clearErrors(Object.keys(change));
  };
  const editAddress = (change: Partial<AddressForm>) => {
    touched.current = true;
    setAddress({ ...address, ...change });
    clearErrors(Object.keys(change));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const found = { ...addressErrors(address), ...cardErrors(card) };
    setErrors(found);
    if (Object.keys(found).length) {
      focusFirstInvalid();
      return;
    }
    try {
      if (!attempt.current) {
        setStep("tokenizing");
        const expiry = parseExpiry(card.expiry)!;
        const input: CardInput = { number: card.number.replace(/[\s-]/g, ""), cvc: card.cvc.trim(), ...expiry };
        const method = await tokenizeCard(config.payments, input);
        attempt.current = { paymentMethodId: method.id, key: crypto.randomUUID() };
      }
      setStep("placing");
      const shipping: Address = {
        line1: address.line1.trim(), city: address.city.trim(), postalCode: address.postalCode.trim(),
        country: address.country.trim().toUpperCase(),
        ...(address.name.trim() && { name: address.name.trim() }),
        ...(address.line2.trim() && { line2: address.line2.trim() }),
        ...(address.region.trim() && { region: address.region.trim() }),
      };
      const accepted = await api.checkout(attempt.current.paymentMethodId, shipping, attempt.current.key);
      await queries.invalidateQueries({ queryKey: ["cart"] });
      void queries.invalidateQueries({ queryKey: ["orders"] });
      navigate(`/orders/${encodeURIComponent(accepted.orderId)}`);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status !== 0 && caught.status < 500) attempt.current = null; // refused: a new attempt
      if (caught instanceof ApiError) setErrors(caught.fieldErrors);
      setError(caught);
      focusFirstInvalid();
      setStep("idle");
    }
  };

  const processor = safeHost(config.payments.tokenizeUrl);
  return (
    <section aria-labelledby="page-title" className="checkout">
      <h1 id="page-title">Checkout</h1>
      <div className="checkout-grid">
        <form className="checkout-form" onSubmit={submit} noValidate ref={form}>
          <fieldset>
            <legend>Shipping address</legend>
            {profile.isError && <ErrorNotice error={profile.error} title="Your saved addresses could not be loaded." />}
            <TextField label="Full name" value={address.name} onChange={(v) => editAddress({ name: v })} autoComplete="shipping name" required={false} />
            <TextField label="Address" value={address.line1} onChange={(v) => editAddress({ line1: v })} autoComplete="shipping address-line1" error={errors.line1} />
            <TextField label="Apartment, suite" value={address.line2} onChange={(v) => editAddress({ line2: v })} autoComplete="shipping address-line2" required={false} />
            <div className="field-row">
              <TextField label="City" value={address.city} onChange={(v) => editAddress({ city: v })} autoComplete="shipping address-level2" error={errors.city} />
              <TextField label="Region" value={address.region} onChange={(v) => editAddress({ region: v })} autoComplete="shipping address-level1" required={false} />
            </div>
            <div className="field-row">
              <TextField label="Postal code" value={address.postalCode} onChange={(v) => editAddress({ postalCode: v })} autoComplete="shipping postal-code" error={errors.postalCode} />
              <TextField label="Country code" value={address.country} onChange={(v) => editAddress({ country: v })} autoComplete="shipping country" error={errors.country} placeholder="US" maxLength={2} />
            </div>
          </fieldset>
          <fieldset>
            <legend>Card</legend>
            <p className="muted small" id="card-note">
              Your card details go straight to the payment processor{processor && ` (${processor})`}; the shop receives only a token.
            </p>
            <TextField label="Card number" value={card.number} onChange={(v) => editCard({ number: v })} autoComplete="cc-number" inputMode="numeric" error={errors.number} maxLength={23} />
            <div className="field-row">
              <TextField label="Expiry (MM/YY)" value={card.expiry} onChange={(v) => editCard({ expiry: v })} autoComplete="cc-exp" placeholder="MM/YY" error={errors.expiry} maxLength={7} />
              <TextField label="Security code" value={card.cvc} onChange={(v) => editCard({ cvc: v })} autoComplete="cc-csc" inputMode="numeric" error={errors.cvc} maxLength={4} />
            </div>
          </fieldset>
          {error !== null && <ErrorNotice error={error} title="Order not placed." />}
          <button type="submit" className="button-primary" disabled={step !== "idle"}>
            {step === "tokenizing" ? "Checking card…" : step === "placing" ? "Placing order…" : `Pay ${formatMoney(data.total, data.currency)}`}
          </button>
        </form>
        <aside className="order-summary" aria-labelledby="summary-title">
          <h2 id="summary-title">Order summary</h2>
          <ul>
            {data.items.map((line) => (
              <li key={line.sku}>
                <span>{line.quantity} × {line.name}</span>
                <Price cents={line.lineTotal} currency={data.currency} />
              </li>
            ))}
          </ul>
          <p className="cart-total">Total <Price cents={data.total} currency={data.currency} /></p>
          <p className="muted small">Prices are confirmed by the shop when you pay.</p>
        </aside>
      </div>
    </section>
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

// The shop's API as the storefront calls it. Signed-in calls carry the Cognito id token (refreshed
// when it is about to expire, or once after a 401); the cart is the user's, or before sign-in the
// anonymous cart named by X-Cart-Id, which POST /cart/merge folds into the user's on sign-in.
import { ApiError, fetchJson } from "../shared/http";
import type { ClientConfig } from "./config";
import type { SessionStore } from "./session";
import type {
  Address, AuthTokens, CardInput, Cart, Order, OrderPage, PaymentMethod, Product, ProductPage, Profile, Stock,
} from "./types";

const CART_ID_HEADER = "X-Cart-Id";
const REFRESH_MARGIN_MS = 60_000;

interface CallOptions {
  body?: unknown;
  auth?: boolean;
  headers?: Record<string, string>;
}

export class ShopApi {
  private refreshing: Promise<boolean> | null = null;

  constructor(readonly baseUrl: string, readonly store: SessionStore) {}

  // ---------------------------------------------------------------- transport
  private async call<T>(method: string, path: string, options: CallOptions = {}): Promise<{ data: T; headers: Headers }> {
    const send = async () => {
      const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
      if (options.body !== undefined) headers["Content-Type"] = "application/json";
      if (options.auth) {
        const token = this.store.session?.idToken;
        if (!token) throw new ApiError(401, "UNAUTHORIZED", "Please sign in first.");
        headers.Authorization = `Bearer ${token}`;
      }
      return fetchJson<T>(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    };
    if (options.auth) await this.refreshIfExpiring();
    try {
      return await send();
    } catch (error) {
      if (options.auth && error instanceof ApiError && error.status === 401 && (await this.refresh())) return send();
      if (options.auth && error instanceof ApiError && error.status === 401) this.store.signOut();
      throw error;
    }
  }

  private async refreshIfExpiring(): Promise<void> {
    const session = this.store.session;
    if (session && session.expiresAt - Date.now() < REFRESH_MARGIN_MS) await this.refresh();
  }

  /** One refresh at a time; false when the refresh token no longer works (signed out). */
  private refresh(): Promise<boolean> {
    const session = this.store.session;
    if (!session) return Promise.resolve(false);
    this.refreshing ??= fetchJson<AuthTokens>(`${this.baseUrl}/auth/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ refreshToken: session.refreshToken }),
    })
      .then(({ data }) => {
        this.store.setTokens(session.email, data.idToken, data.refreshToken || session.refreshToken, data.expiresIn);
        return true;
      })
      .catch(() => false)
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  // ---------------------------------------------------------------- catalog
  async products(category?: string, cursor?: string | null, limit = 24): Promise<ProductPage> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (category) query.set("category", category);
    if (cursor) query.set("cursor", cursor);
    return (await this.call<ProductPage>("GET", `/products?${query}`)).data;
  }

  async search(q: string, limit = 48): Promise<ProductPage> {
    const query = new URLSearchParams({ q, limit: String(limit) });
    return (await this.call<ProductPage>("GET", `/products/search?${query}`)).data;
  }

  async product(productId: string): Promise<Product> {
    return (await this.call<Product>("GET", `/products/${encodeURIComponent(productId)}`)).data;
  }

  async stock(sku: string): Promise<Stock> {
    return (await this.call<Stock>("GET", `/inventory/${encodeURIComponent(sku)}`, { auth: true })).data;
  }

  // ---------------------------------------------------------------- account
  async signUp(email: string, password: string): Promise<void> {
    await this.call("POST", "/auth/signup", { body: { email, password } });
  }

  /** Sign in, then fold the anonymous cart (if any) into the user's; the SKUs that did not fit. */
  async signIn(email: string, password: string): Promise<string[]> {
    const { data } = await this.call<AuthTokens>("POST", "/auth/login", { body: { email, password } });
    this.store.signedIn(email, data);
    const merged = await this.mergeAnonymousCart().catch(() => null); // signed in anyway; cart() retries
    return merged?.dropped ?? [];
  }

  /** Fold the anonymous cart into the signed-in user's (once: the id is forgotten when it is merged
   * or gone). On any other failure the id is kept, and the next read of the cart tries again. */
  private async mergeAnonymousCart(): Promise<Cart | null> {
    const anonymous = this.store.cartId;
    if (!anonymous || !this.store.session) return null;
    try {
      const { data } = await this.call<Cart>("POST", "/cart/merge", { auth: true, body: { cartId: anonymous } });
      this.store.setCartId(null);
      return data;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 422)) {
        this.store.setCartId(null); // that cart expired, or is no id we can use
        return null;
      }
      throw error;
    }
  }

  signOut(): void {
    this.store.signOut();
  }

  async profile(): Promise<Profile> {
    return (await this.call<Profile>("GET", "/me", { auth: true })).data;
  }

  // ---------------------------------------------------------------- cart
  private get signedIn(): boolean {
    return this.store.session !== null;
  }

  private anonymousHeaders(): Record<string, string> {
    const id = this.store.cartId;
    return id ? { [CART_ID_HEADER]: id } : {};
  }

  private keepCartId(headers: Headers, cart: Cart): Cart {
    this.store.setCartId(headers.get(CART_ID_HEADER) ?? cart.cartId);
    return cart;
  }

  /** My cart, or the anonymous one; null when there is none yet. */
  async cart(): Promise<Cart | null> {
    if (this.signedIn) {
      const merged = await this.mergeAnonymousCart().catch(() => null); // a merge that failed at sign-in
      return merged ?? (await this.call<Cart>("GET", "/cart", { auth: true })).data;
    }
    if (!this.store.cartId) return null;
    try {
      return (await this.call<Cart>("GET", "/cart/anonymous", { headers: this.anonymousHeaders() })).data;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 422)) {
        this.store.setCartId(null); // expired, or not an id we can use any more
        return null;
      }
      throw error;
    }
  }

  async addToCart(sku: string, quantity: number): Promise<Cart> {
    const body = { sku, quantity };
    if (this.signedIn) return (await this.call<Cart>("POST", "/cart/items", { auth: true, body })).data;
    const { data, headers } = await this.call<Cart>("POST", "/cart/anonymous/items", { body, headers: this.anonymousHeaders() });
    return this.keepCartId(headers, data);
  }

  async setQuantity(sku: string, quantity: number): Promise<Cart> {
    const path = `/items/${encodeURIComponent(sku)}`;
    if (this.signedIn) return (await this.call<Cart>("PATCH", `/cart${path}`, { auth: true, body: { quantity } })).data;
    return (await this.call<Cart>("PATCH", `/cart/anonymous${path}`, { body: { quantity }, headers: this.anonymousHeaders() })).data;
  }

  async removeItem(sku: string): Promise<Cart> {
    const path = `/items/${encodeURIComponent(sku)}`;
    if (this.signedIn) return (await this.call<Cart>("DELETE", `/cart${path}`, { auth: true })).data;
    return (await this.call<Cart>("DELETE", `/cart/anonymous${path}`, { headers: this.anonymousHeaders() })).data;
  }

  // ---------------------------------------------------------------- checkout and orders
  async checkout(paymentMethodId: string, shippingAddress: Address, idempotencyKey: string): Promise<{ orderId: string; status: string }> {
    const { data } = await this.call<{ orderId: string; status: string }>("POST", "/checkout", {
      auth: true,
      headers: { "Idempotency-Key": idempotencyKey },
      body: { paymentMethodId, shippingAddress },
    });
    return data;
  }

  async orders(cursor?: string | null): Promise<OrderPage> {
    const query = new URLSearchParams({ limit: "20" });
    if (cursor) query.set("cursor", cursor);
    return (await this.call<OrderPage>("GET", `/orders?${query}`, { auth: true })).data;
  }

  async order(orderId: string): Promise<Order> {
    return (await this.call<Order>("GET", `/orders/${encodeURIComponent(orderId)}`, { auth: true })).data;
  }

  async cancelOrder(orderId: string): Promise<Order> {
    return (await this.call<Order>("POST", `/orders/${encodeURIComponent(orderId)}/cancel`, { auth: true })).data;
  }
}

/** The card goes from this page to the payment processor's tokenization endpoint (from GET /config),
 * never to the shop's API: the shop only ever sees the token, the brand and the last 4 digits. */
export async function tokenizeCard(payments: ClientConfig["payments"], card: CardInput): Promise<PaymentMethod> {
  const { data } = await fetchJson<PaymentMethod>(payments.tokenizeUrl, {
    method: "POST",
    headers: { Authorization: `Bearer ${payments.publishableKey}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ card }),
  });
  return data;
}

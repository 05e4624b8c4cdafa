// Who is signed in (Cognito tokens from POST /auth/login) and the anonymous cart's id, kept in
// localStorage so a reload or a new tab keeps both. A store outside React, read with useSession().
import { useSyncExternalStore } from "react";
import type { AuthTokens } from "./types";

export interface Session {
  email: string;
  idToken: string;
  refreshToken: string;
  /** epoch ms when the id token expires */
  expiresAt: number;
}

interface Snapshot {
  session: Session | null;
  cartId: string | null;
}

const SESSION_KEY = "shop.session";
const CART_KEY = "shop.cartId";

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or disabled: the session lasts as long as the page
  }
}

export class SessionStore {
  private snapshot: Snapshot = { session: read<Session>(SESSION_KEY), cartId: read<string>(CART_KEY) };
  private listeners = new Set<() => void>();

  constructor() {
    // another tab signed in or out
    window.addEventListener("storage", (event) => {
      if (event.key === SESSION_KEY || event.key === CART_KEY) {
        this.update({ session: read<Session>(SESSION_KEY), cartId: read<string>(CART_KEY) }, false);
      }
    });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): Snapshot => this.snapshot;

  get session(): Session | null {
    return this.snapshot.session;
  }

  get cartId(): string | null {
    return this.snapshot.cartId;
  }

  signedIn(email: string, tokens: AuthTokens): void {
    this.setTokens(email, tokens.idToken, tokens.refreshToken, tokens.expiresIn);
  }

  setTokens(email: string, idToken: string, refreshToken: string, expiresIn: number): void {
    this.update({ ...this.snapshot, session: { email, idToken, refreshToken, expiresAt: Date.now() + expiresIn * 1000 } });
  }

  signOut(): void {
    this.update({ ...this.snapshot, session: null });
  }

  setCartId(cartId: string | null): void {
    if (cartId !== this.snapshot.cartId) this.update({ ...this.snapshot, cartId });
  }

  private update(next: Snapshot, persist = true): void {
    this.snapshot = next;
    if (persist) {
      write(SESSION_KEY, next.session);
      write(CART_KEY, next.cartId);
    }
    for (const listener of this.listeners) listener();
  }
}

export function useSession(store: SessionStore): Snapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

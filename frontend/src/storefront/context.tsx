import { createContext, useContext, useEffect, type ReactNode } from "react";
import type { ShopApi } from "./api";
import type { ClientConfig, SiteConfig } from "./config";
import { useSession, type SessionStore } from "./session";

export interface Shop {
  api: ShopApi;
  store: SessionStore;
  site: SiteConfig;
  client: ClientConfig;
}

const ShopContext = createContext<Shop | null>(null);

export function ShopProvider({ shop, children }: { shop: Shop; children: ReactNode }) {
  return <ShopContext.Provider value={shop}>{children}</ShopContext.Provider>;
}

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error("useShop outside ShopProvider");
  return shop;
}

/** The signed-in session (or null) and the anonymous cart id, re-rendering on change. */
export function useAccount() {
  const { store } = useShop();
  return useSession(store);
}

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Shop` : "Shop";
  }, [title]);
}

/** The categories the API publishes in GET /config (none: the storefront shows no category menu). */
export function useCategories(): string[] {
  return useShop().client.catalog?.categories ?? [];
}

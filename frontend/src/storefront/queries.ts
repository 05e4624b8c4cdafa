// Server state through TanStack Query: one key per resource, the cart keyed by who owns it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useAccount, useShop } from "./context";
import { FINAL_STATUSES, type Cart, type Order } from "./types";

export function useCartKey() {
  const { session, cartId } = useAccount();
  return ["cart", session?.email ?? "anonymous", session ? null : cartId] as const;
}

export function useCart() {
  const { api } = useShop();
  return useQuery({ queryKey: useCartKey(), queryFn: () => api.cart() });
}

/** A cart change: the API answers with the whole cart, which replaces the cached one. */
export function useCartChange<Args>(change: (args: Args) => Promise<Cart>) {
  const client = useQueryClient();
  const key = useCartKey();
  return useMutation({
    mutationFn: change,
    onSuccess: (cart) => {
      client.setQueryData(key, cart);
      void client.invalidateQueries({ queryKey: ["cart"] }); // the key may have changed (first anonymous add)
    },
  });
}

export function useStock(sku: string | undefined) {
  const { api } = useShop();
  const { session } = useAccount();
  return useQuery({
    queryKey: ["stock", sku, session?.email],
    queryFn: () => api.stock(sku!),
    enabled: Boolean(sku && session),
    staleTime: 0, // stock moves with every order: always read it fresh
  });
}

const ORDER_POLL_MS = 1000;

/** One order, polled every second while the saga runs (PENDING), then left alone. */
export function useOrder(orderId: string | undefined) {
  const { api } = useShop();
  return useQuery({
    queryKey: ["order", orderId],
    queryFn: () => api.order(orderId!),
    enabled: Boolean(orderId),
    // right after checkout the order's read model may not be there yet (404): keep asking a while
    retry: (count, error) => ((error as { status?: number }).status === 404 ? count < 20 : count < 2),
    retryDelay: 500,
    refetchInterval: (query) => {
      const order = query.state.data as Order | undefined;
      return order && FINAL_STATUSES.includes(order.status) ? false : ORDER_POLL_MS;
    },
  });
}

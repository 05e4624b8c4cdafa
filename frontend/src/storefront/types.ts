// The API's shapes as the storefront reads them (see GET /openapi.json).

export interface Product {
  productId: string;
  sku: string;
  name: string;
  description: string;
  category: string;
  price: number;
  currency: string;
  imageUrl?: string | null;
  active: boolean;
}

export interface ProductPage {
  items: Product[];
  nextCursor?: string | null;
  total?: number;
}

export interface Stock {
  sku: string;
  available: number;
  reserved: number;
}

export interface CartLine {
  sku: string;
  productId: string;
  name: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
  imageUrl?: string | null;
}

export interface Cart {
  cartId: string;
  items: CartLine[];
  total: number;
  currency: string;
  itemCount: number;
  unavailable: string[];
  dropped?: string[] | null;
}

export interface AuthTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface Address {
  id?: string | null;
  label?: string;
  name?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
  default?: boolean;
}

export interface Profile {
  userId: string;
  email?: string | null;
  name?: string | null;
  addresses: Address[];
}

export type OrderStatus = "PENDING" | "CONFIRMED" | "FAILED" | "CANCELLED";

export interface TimelineEntry {
  type: string;
  at: string;
  version: number;
  reason?: string;
  [field: string]: unknown;
}

export interface Order {
  orderId: string;
  status: OrderStatus;
  items: { sku: string; productId?: string; name: string; quantity: number; unitPrice: number; lineTotal: number }[];
  total: number;
  currency: string;
  createdAt: string;
  updatedAt?: string;
  reason?: string | null;
  timeline?: TimelineEntry[];
}

export interface OrderPage {
  items: Order[];
  nextCursor?: string | null;
}

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export interface PaymentMethod {
  id: string;
  card: { brand: string; last4: string; expMonth: number; expYear: number };
}

export const FINAL_STATUSES: readonly OrderStatus[] = ["CONFIRMED", "FAILED", "CANCELLED"];

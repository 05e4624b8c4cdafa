import { createHashRouter, RouterProvider } from "react-router";
import { Layout } from "./components/Layout";
import { SignInPage, SignUpPage } from "./pages/Account";
import { CartPage } from "./pages/Cart";
import { CategoryPage, HomePage, NotFoundPage, SearchPage } from "./pages/Catalog";
import { CheckoutPage } from "./pages/Checkout";
import { OrderPage, OrdersPage } from "./pages/Orders";
import { ProductPage } from "./pages/Product";

// Hash routes (#/products/...): any static host serves every page as index.html, with no rewrite rules.
const router = createHashRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <HomePage /> },
      { path: "category/:category", element: <CategoryPage /> },
      { path: "search", element: <SearchPage /> },
      { path: "products/:productId", element: <ProductPage /> },
      { path: "cart", element: <CartPage /> },
      { path: "signin", element: <SignInPage /> },
      { path: "signup", element: <SignUpPage /> },
      { path: "checkout", element: <CheckoutPage /> },
      { path: "orders", element: <OrdersPage /> },
      { path: "orders/:orderId", element: <OrderPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}

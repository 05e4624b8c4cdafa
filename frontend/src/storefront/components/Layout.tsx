import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate, useSearchParams } from "react-router";
import { humanize } from "../../shared/format";
import { useAccount, useCategories, useShop } from "../context";
import { useCart } from "../queries";

function SearchForm() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const words = q.trim();
    if (words) navigate(`/search?q=${encodeURIComponent(words)}`);
  };
  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor="search-input" className="visually-hidden">
        Search products
      </label>
      <input id="search-input" type="search" name="q" placeholder="Search products" value={q} onChange={(e) => setQ(e.target.value)} maxLength={200} />
      <button type="submit">Search</button>
    </form>
  );
}

function CartLink() {
  const cart = useCart();
  const count = cart.data?.itemCount ?? 0;
  return (
    <NavLink to="/cart" className="cart-link">
      Cart <span className="cart-count" aria-label={`${count} items`}>{count}</span>
    </NavLink>
  );
}

function Account() {
  const { session } = useAccount();
  const { api } = useShop();
  const client = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  if (!session) {
    // come back to this page after signing in (not to the sign-in page itself)
    const here = /^\/sign(in|up)/.test(location.pathname) ? "/" : location.pathname + location.search;
    const next = here === "/" ? "" : `?next=${encodeURIComponent(here)}`;
    return (
      <div className="account">
        <NavLink to={`/signin${next}`}>Sign in</NavLink>
        <NavLink to={`/signup${next}`}>Create account</NavLink>
      </div>
    );
  }
  const signOut = () => {
    api.signOut();
    client.removeQueries({ queryKey: ["orders"] });
    navigate("/");
  };
  return (
    <div className="account">
      <span className="account-email" title="Signed in">{session.email}</span>
      <NavLink to="/orders">My orders</NavLink>
      <button type="button" className="button-link" onClick={signOut}>
        Sign out
      </button>
    </div>
  );
}

export function Layout() {
  const categories = useCategories();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // a new page: move focus to it, as a full page load would, so keyboard and screen reader users start there
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
    window.scrollTo(0, 0);
  }, [location.pathname]);
  return (
    <>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-row">
          <Link to="/" className="brand">Shop</Link>
          <SearchForm key={location.search} />
          <nav aria-label="Account" className="header-nav">
            <CartLink />
            <Account />
          </nav>
        </div>
        {categories.length > 0 && (
          <nav aria-label="Categories" className="categories">
            <ul>
              {categories.map((category) => (
                <li key={category}>
                  <NavLink to={`/category/${encodeURIComponent(category)}`}>{humanize(category)}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer muted">
        Prices and stock come live from the shop&apos;s API. Card details go to the payment processor only.
      </footer>
    </>
  );
}

// Browsing: every product (home), one category, or a text search. Pages of products come with a
// nextCursor; "More products" asks for the next page.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useParams, useSearchParams } from "react-router";
import { humanize } from "../../shared/format";
import { ErrorNotice } from "../components/ErrorNotice";
import { ProductGrid } from "../components/ProductGrid";
import { usePageTitle, useShop } from "../context";

function ProductList({ category, title }: { category?: string; title: string }) {
  const { api } = useShop();
  const pages = useInfiniteQuery({
    queryKey: ["products", category ?? null],
    queryFn: ({ pageParam }) => api.products(category, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor ?? null,
  });
  if (pages.isPending) return <p className="muted">Loading products…</p>;
  if (!pages.data) return <ErrorNotice error={pages.error} title="Could not load products." onRetry={() => pages.refetch()} />;
  const products = pages.data.pages.flatMap((page) => page.items);
  return (
    <>
      <ProductGrid products={products} label={title} />
      {pages.hasNextPage && (
        <button type="button" className="button-secondary more" onClick={() => pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          {pages.isFetchingNextPage ? "Loading…" : "More products"}
        </button>
      )}
      {pages.isFetchNextPageError && <ErrorNotice error={pages.error} />}
    </>
  );
}

export function HomePage() {
  usePageTitle("");
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">All products</h1>
      <ProductList title="All products" />
    </section>
  );
}

export function CategoryPage() {
  const { category = "" } = useParams();
  const title = humanize(category);
  usePageTitle(title);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      <ProductList key={category} category={category} title={title} />
    </section>
  );
}

export function SearchPage() {
  const { api } = useShop();
  const [params] = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  usePageTitle(q ? `Search: ${q}` : "Search");
  const results = useQuery({ queryKey: ["search", q], queryFn: () => api.search(q), enabled: q.length > 0 });
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{q ? <>Results for “{q}”</> : "Search"}</h1>
      {!q && <p>Type a few words in the search box.</p>}
      {q && results.isPending && <p className="muted">Searching…</p>}
      {results.isError && <ErrorNotice error={results.error} title="Search failed." onRetry={() => results.refetch()} />}
      {results.data && (
        <>
          <p className="muted" aria-live="polite">
            {(results.data.total ?? results.data.items.length) === 1 ? "1 product" : `${results.data.total ?? results.data.items.length} products`}
          </p>
          <ProductGrid products={results.data.items} label={`Results for ${q}`} />
        </>
      )}
    </section>
  );
}

export function NotFoundPage() {
  usePageTitle("Not found");
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Page not found</h1>
      <p>There is nothing at this address. Try the search box, or browse all products.</p>
    </section>
  );
}

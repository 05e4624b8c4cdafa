import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { describeError } from "../shared/http";
import { ShopApi } from "./api";
import { App } from "./App";
import { loadClientConfig, loadSiteConfig } from "./config";
import { ShopProvider } from "./context";
import { SessionStore } from "./session";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

async function start(): Promise<void> {
  root.render(<p className="boot muted" role="status">Loading the shop…</p>);
  try {
    const site = await loadSiteConfig();
    const client = await loadClientConfig(site.apiUrl);
    const store = new SessionStore();
    const api = new ShopApi(site.apiUrl, store);
    const queries = new QueryClient({
      defaultOptions: { queries: { staleTime: 10_000, retry: (count, error) => count < 2 && !(error as { status?: number }).status } },
    });
    root.render(
      <StrictMode>
        <QueryClientProvider client={queries}>
          <ShopProvider shop={{ api, store, site, client }}>
            <App />
          </ShopProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
  } catch (error) {
    root.render(
      <div className="boot" role="alert">
        <h1>The shop is not reachable</h1>
        <p>{describeError(error)}</p>
        <button type="button" onClick={() => void start()}>Try again</button>
      </div>,
    );
  }
}

void start();

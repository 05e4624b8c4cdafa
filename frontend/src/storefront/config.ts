// Where the API is and how to pay, found at run time so one build runs anywhere:
// 1. ./config.json next to index.html: {"apiUrl": "https://api.example.com"} (written by whoever
//    serves the files: the local cloud, or the deploy; absent = the API is on this page's origin);
// 2. GET <apiUrl>/config: the client settings the API publishes (payment tokenization, catalog).
import { fetchJson } from "../shared/http";

export interface SiteConfig {
  /** The API's base URL, without a trailing slash ("" = this page's origin). */
  apiUrl: string;
  /** The operations console, where one runs (the local cloud): links from an order to its saga. */
  consoleUrl?: string;
}

export interface ClientConfig {
  payments: { tokenizeUrl: string; publishableKey: string };
  catalog?: { categories?: string[] };
  [setting: string]: unknown;
}

export async function loadSiteConfig(): Promise<SiteConfig> {
  try {
    const response = await fetch("./config.json", { cache: "no-store" });
    if (response.ok) {
      const data = (await response.json()) as Partial<SiteConfig>;
      return { apiUrl: trimSlash(data.apiUrl ?? ""), consoleUrl: data.consoleUrl || undefined };
    }
  } catch {
    // no config.json (or not JSON): the API is on this origin
  }
  return { apiUrl: "" };
}

export async function loadClientConfig(apiUrl: string): Promise<ClientConfig> {
  const { data } = await fetchJson<ClientConfig>(`${apiUrl}/config`, { headers: { Accept: "application/json" } });
  return data;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

import type { ReactNode } from "react";
import { PricesLive } from "@/client/prices/live";

/**
 * The pages that show market data (the dashboard, the alerts): they share the
 * browser's one live price connection, which stays open while any tab shows
 * one of them and across navigation between them.
 */
export default function MarketLayout({ children }: { children: ReactNode }) {
  return <PricesLive>{children}</PricesLive>;
}

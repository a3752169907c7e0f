"use client";

import { FiringHistory } from "../../alerts/components/firing-history";
import { PricesStatus } from "../../prices/components/prices-status";
import { useNow } from "../../ui/relative-time";
import { ClosestAlertsCard } from "./closest-alerts-card";
import { NextJobsCard } from "./next-jobs-card";
import { WatchlistCard } from "./watchlist-card";

export function DashboardPage() {
  const now = useNow(1_000);
  return (
    <div className="page-wide">
      <div className="page-header page-header-row">
        <div>
          <h1>Dashboard</h1>
          <p className="muted">Your watchlist, the alerts nearest their threshold, what fired, and what runs next — all live.</p>
        </div>
        <PricesStatus />
      </div>
      <div className="dashboard-grid">
        <div className="dashboard-main">
          <WatchlistCard now={now} />
          <section className="card" aria-labelledby="recent-firings-title">
            <h2 className="card-title" id="recent-firings-title">Recent firings</h2>
            <FiringHistory compact max={8} />
          </section>
        </div>
        <div className="dashboard-side">
          <ClosestAlertsCard />
          <NextJobsCard now={now} />
        </div>
      </div>
      <p className="attribution muted">
        Charts: <a href="https://www.tradingview.com/lightweight-charts/" target="_blank" rel="noreferrer">TradingView Lightweight Charts™</a>
      </p>
    </div>
  );
}

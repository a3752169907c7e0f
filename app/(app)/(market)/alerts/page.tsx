import type { Metadata } from "next";
import { AlertsPage } from "@/client/alerts/components/alerts-page";

export const metadata: Metadata = { title: "Alerts" };

export default function Alerts() {
  return <AlertsPage />;
}

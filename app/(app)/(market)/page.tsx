import type { Metadata } from "next";
import { DashboardPage } from "@/client/dashboard/components/dashboard-page";

export const metadata: Metadata = { title: "Dashboard" };

/** `/`: the signed-in home (the shell sends signed-out visitors to /sign-in). */
export default function Dashboard() {
  return <DashboardPage />;
}

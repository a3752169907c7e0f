import type { Metadata } from "next";
import { AlertDetailPage } from "@/client/alerts/components/alert-detail-page";

export const metadata: Metadata = { title: "Alert" };

export default async function Alert({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AlertDetailPage id={id} />;
}

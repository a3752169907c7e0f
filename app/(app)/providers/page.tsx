import type { Metadata } from "next";
import { ProvidersPage } from "@/client/providers/components/providers-page";

export const metadata: Metadata = { title: "AI providers" };

export default function Providers() {
  return <ProvidersPage />;
}

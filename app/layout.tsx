import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { TrpcProvider } from "@/client/live/trpc-provider";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Virtual Office", template: "%s · Virtual Office" },
  description: "A trader's workspace",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

/** Applies the last known theme and density before the first paint (no flash). */
const appearanceScript = `try{var a=JSON.parse(localStorage.getItem("vo-appearance")||"{}");var r=document.documentElement;if(a.theme)r.dataset.theme=a.theme;if(a.density)r.dataset.density=a.density}catch(e){}`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: appearanceScript }} />
      </head>
      <body>
        <TrpcProvider>{children}</TrpcProvider>
      </body>
    </html>
  );
}

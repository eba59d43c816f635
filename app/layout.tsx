import type { Metadata, Viewport } from "next";
import "./globals.css";

export const metadata: Metadata = { title: "Backout", description: "Run the rollback plan." };
export const viewport: Viewport = { themeColor: "#09090b", colorScheme: "dark" };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}

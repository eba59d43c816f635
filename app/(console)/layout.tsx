import { AppHeader } from "@/components/app-header";
import { Providers } from "../providers";

// The console: signed-in pages under one header. The public status page (app/status) has its own.
export default function ConsoleLayout({ children }: { children: React.ReactNode }) {
  return (
    <Providers>
      <AppHeader />
      {children}
    </Providers>
  );
}

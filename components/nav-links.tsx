"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { Role } from "./api/types";
import { hasRole } from "./auth/roles";
import { cn } from "./ui/cn";

const links = [
  { href: "/", label: "Runbooks", testId: "nav-runbooks", isActive: (p: string) => p === "/" || p.startsWith("/runs") },
  {
    href: "/incidents",
    label: "Incidents",
    testId: "nav-incidents",
    isActive: (p: string) => p.startsWith("/incidents"),
  },
  {
    href: "/action-items",
    label: "Action items",
    testId: "nav-action-items",
    isActive: (p: string) => p.startsWith("/action-items"),
  },
  {
    href: "/settings",
    label: "Settings",
    testId: "nav-settings",
    isActive: (p: string) => p.startsWith("/settings"),
    role: "admin" as Role,
  },
];

export function NavLinks({ role }: { role: Role }) {
  const pathname = usePathname() ?? "/";
  return (
    <nav aria-label="Main" className="flex items-center gap-0.5">
      {links
        .filter((l) => !l.role || hasRole(role, l.role))
        .map((l) => {
          const isActive = l.isActive(pathname);
          return (
            <Link
              key={l.href}
              href={l.href}
              data-testid={l.testId}
              aria-current={isActive ? "page" : undefined}
              className={cn(
                "rounded-md px-2 py-1 text-sm font-medium focus-visible:outline-2 focus-visible:outline-sky-400",
                isActive ? "bg-zinc-800 text-zinc-50" : "text-zinc-400 hover:bg-zinc-900 hover:text-zinc-100",
              )}
            >
              {l.label}
            </Link>
          );
        })}
    </nav>
  );
}

"use client";

import Link from "next/link";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Me } from "../api/types";
import { Badge } from "../ui/badge";
import { roleTone } from "./roles";
import { Button } from "../ui/button";

/** Who is signed in, as what, and the way out. */
export function UserMenu({ me }: { me: Me }) {
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => api<unknown>("/api/auth/sign-out", { method: "POST" }),
    onSettled: () => {
      queryClient.clear();
      // A full load, so no page keeps data the next person should not see.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load, on purpose
      window.location.assign("/sign-in");
    },
  });
  const label = me.user?.email ?? me.actor.label;
  return (
    <div data-testid="user-menu" className="flex min-w-0 items-center gap-1.5">
      <Link
        href="/settings#password"
        className="max-w-[9rem] truncate rounded text-sm sm:max-w-[14rem] text-zinc-300 hover:text-zinc-50 focus-visible:outline-2 focus-visible:outline-sky-400"
        title={`${label}: account settings`}
      >
        {label}
      </Link>
      <Badge tone={roleTone[me.actor.role]} data-testid="user-role">
        {me.actor.role}
      </Badge>
      <Button
        size="sm"
        variant="ghost"
        className="h-7 px-2 text-xs"
        data-testid="sign-out"
        isLoading={signOut.isPending}
        onClick={() => signOut.mutate()}
      >
        Sign out
      </Button>
    </div>
  );
}

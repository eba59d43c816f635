import { redirect } from "next/navigation";
import { requireActor, safeNext } from "@/lib/auth/current";
import { ChangePasswordClient } from "./change-password-client";

export const dynamic = "force-dynamic";
export const metadata = { title: "Choose your password · Backout" };

// Where a user on a one-time password lands before anything else; the server refuses their other
// requests until they have chosen their own.
export default async function ChangePasswordPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const target = safeNext(next);
  const actor = await requireActor(`/change-password?next=${encodeURIComponent(target)}`, { pendingPassword: "allow" });
  if (actor.kind !== "user" || !actor.mustChangePassword) redirect(target);
  return (
    <main className="mx-auto flex min-h-[70vh] max-w-md flex-col justify-center gap-5 p-6">
      <div>
        <h1 className="text-2xl font-semibold text-zinc-50">Choose your own password</h1>
        <p className="mt-1 text-sm text-zinc-400">
          {actor.label} is signed in with a one-time password. Choose one only you know before going on; Backout refuses
          other actions until then.
        </p>
      </div>
      <ChangePasswordClient next={target} />
    </main>
  );
}

import { safeNext } from "@/lib/auth/current";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const target = safeNext(next);
  return (
    <main className="mx-auto flex min-h-[80vh] max-w-sm flex-col justify-center gap-6 p-6">
      <div>
        <h1 className="text-2xl font-semibold">Backout</h1>
        <p className="mt-1 text-sm text-zinc-400">Sign in to run the rollback plan.</p>
      </div>
      <SignInForm next={target} />
      <p className="text-xs text-zinc-500">
        First time? <code className="text-zinc-300">npm start</code> printed the first admin&apos;s one-time password.
        Scripts use an API token instead (<code className="text-zinc-300">npm run token</code>).
      </p>
    </main>
  );
}

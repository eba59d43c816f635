"use client";

import { useState } from "react";
import { api, toApiFailure } from "@/components/api/client";

export function SignInForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);

  // Controlled, and submitted without a form action: a wrong password keeps the email where it was.
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setIsPending(true);
    setError(null);
    try {
      await api("/api/auth/sign-in", { method: "POST", body: { email, password } });
      window.location.assign(next);
    } catch (err) {
      setError(toApiFailure(err).error);
      setPassword("");
      setIsPending(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" data-testid="sign-in-form">
      <label className="flex flex-col gap-1 text-sm">
        Email
        <input
          name="email"
          type="email"
          required
          autoFocus
          autoComplete="username"
          data-testid="sign-in-email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          className="rounded-md border border-zinc-700 bg-zinc-900 px-3 py-2 text-zinc-100 outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Password
        <input
          name="password"
          type="password"
          required
          autoComplete="current-password"
          data-testid="sign-in-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className="rounded-md border border-zinc-700 bg-zinc-900 px-3 py-2 text-zinc-100 outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
        />
      </label>
      {error && (
        <p
          role="alert"
          className="rounded-md border border-red-800 bg-red-950/50 px-3 py-2 text-sm text-red-200"
          data-testid="sign-in-error"
        >
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={isPending}
        data-testid="sign-in-submit"
        className="rounded-md bg-sky-600 px-3 py-2 font-medium text-white hover:bg-sky-500 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-sky-300"
      >
        {isPending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

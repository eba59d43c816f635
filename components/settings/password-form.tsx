"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, toApiFailure } from "../api/client";
import { queryKeys } from "../api/queries";
import { RunError } from "../runbooks/run-error";
import { Button } from "../ui/button";
import { Field, Input } from "../ui/field";

const MIN = 12;

type Changed = { ok: true; otherSessionsEnded: number };

export function PasswordForm({
  isToken,
  currentLabel = "Current password",
  onChanged,
}: {
  isToken: boolean;
  currentLabel?: string;
  onChanged?: () => void;
}) {
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const change = useMutation({
    mutationFn: () => api<Changed>("/api/auth/password", { method: "POST", body: { current, next } }),
    onSuccess: () => {
      setCurrent("");
      setNext("");
      setRepeat("");
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      onChanged?.();
    },
  });
  const problem =
    next && next.length < MIN
      ? `at least ${MIN} characters`
      : repeat && repeat !== next
        ? "the two new passwords differ"
        : null;
  const canSubmit = !!current && next.length >= MIN && repeat === next;

  if (isToken) return <p className="text-sm text-zinc-500">Signed in with an API token; tokens have no password.</p>;
  return (
    <form
      className="flex max-w-md flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (canSubmit) change.mutate();
      }}
    >
      <Field label={currentLabel}>
        <Input
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          className="h-9 w-full"
          data-testid="password-current"
        />
      </Field>
      <Field label="New password" hint={`At least ${MIN} characters.`}>
        <Input
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          className="h-9 w-full"
          data-testid="password-next"
        />
      </Field>
      <Field label="New password, again">
        <Input
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          className="h-9 w-full"
          data-testid="password-repeat"
        />
      </Field>
      {problem && <p className="text-xs text-amber-300">{problem}</p>}
      {change.error && <RunError error={toApiFailure(change.error)} testId="password-error" />}
      {change.isSuccess && (
        <p role="status" className="text-sm text-emerald-300">
          Password changed.
          {change.data.otherSessionsEnded > 0 &&
            ` ${change.data.otherSessionsEnded} other session${change.data.otherSessionsEnded === 1 ? " was" : "s were"} signed out.`}
        </p>
      )}
      <div>
        <Button
          type="submit"
          variant="primary"
          size="sm"
          disabled={!canSubmit}
          isLoading={change.isPending}
          data-testid="password-submit"
        >
          Change password
        </Button>
      </div>
    </form>
  );
}

"use client";

import { PasswordForm } from "@/components/settings/password-form";

export function ChangePasswordClient({ next }: { next: string }) {
  return (
    <PasswordForm isToken={false} currentLabel="One-time password" onChanged={() => window.location.assign(next)} />
  );
}

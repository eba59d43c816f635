"use client";

import type { Role } from "@/components/api/types";
import { hasRole } from "@/components/auth/roles";
import { PasswordForm } from "@/components/settings/password-form";
import { TargetsSection } from "@/components/settings/targets-section";
import { ContactsSection } from "@/components/settings/contacts-section";
import { ChannelsSection } from "@/components/settings/channels-section";
import { TokensSection } from "@/components/settings/tokens-section";
import { UsersSection } from "@/components/settings/users-section";
import { Card } from "@/components/ui/card";

export function SettingsClient({ role, isToken }: { role: Role; isToken: boolean }) {
  const isAdmin = hasRole(role, "admin");
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-4 px-4 py-5 sm:px-6">
      <h1 className="text-xl font-semibold text-zinc-50">Settings</h1>
      {isAdmin && <UsersSection />}
      {isAdmin && <TokensSection />}
      {isAdmin && <ContactsSection />}
      {isAdmin && <ChannelsSection />}
      {isAdmin && <TargetsSection />}
      <Card id="password" className="scroll-mt-20">
        <h2 className="border-b border-zinc-800 px-4 py-2 text-sm font-semibold text-zinc-200">Your password</h2>
        <div className="px-4 py-3">
          <PasswordForm isToken={isToken} />
        </div>
      </Card>
    </main>
  );
}

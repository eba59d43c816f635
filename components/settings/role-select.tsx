"use client";

import type { Role } from "../api/types";
import { ROLE_POWERS, ROLES, TOKEN_ROLES } from "../auth/roles";
import { Field, Select } from "../ui/field";

/** The role picker of the create forms (users, tokens), with what each role may do as its hint. */
export function RoleSelect({
  value,
  onChange,
  testId,
  forToken,
}: {
  /** A token's picker also offers the deployer, which no person signs in as. */
  forToken?: boolean;
  value: Role;
  onChange: (role: Role) => void;
  testId: string;
}) {
  return (
    <Field label="Role">
      <Select
        value={value}
        onChange={(e) => onChange(e.target.value as Role)}
        data-testid={testId}
        title={ROLE_POWERS[value]}
      >
        {(forToken ? TOKEN_ROLES : ROLES).map((r) => (
          <option key={r}>{r}</option>
        ))}
      </Select>
    </Field>
  );
}

import "server-only";
import fs from "node:fs";
import { z } from "zod";
import { env, interpolationVars, secretFromEnv } from "../env";
import { TargetsConfigError } from "../targets/load-targets";

// Where messages go (plan §7), declared on the server only: a request names a channel, never a URL.
// `${NAME}` takes Backout's own settings, as in targets.json; secrets may come from the environment.

const url = z.string().url("an absolute URL such as https://hooks.slack.com/services/…");

const channelSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and dashes, e.g. incident-chat"),
    description: z.string().max(200).default(""),
    // "slack": a Slack-compatible incoming webhook ({ text }); "webhook": signed JSON (Standard Webhooks).
    kind: z.enum(["slack", "webhook"], { error: 'kind: "slack" or "webhook"' }),
    // Who reads it: stakeholder templates preselect stakeholder channels, the chat message internal ones.
    audience: z.enum(["stakeholders", "internal"], { error: 'audience: "stakeholders" or "internal"' }),
    url: url.optional(),
    urlEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .optional(),
    // Standard Webhooks signing secret: "whsec_" + base64; or the name of an environment variable holding it.
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'a Standard Webhooks secret: "whsec_" followed by base64')
      .optional(),
    secretEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .optional(),
  })
  .strict()
  .refine((c) => !!c.url !== !!c.urlEnv, { path: ["url"], message: "give url or urlEnv (one of them)" })
  .refine((c) => c.kind !== "webhook" || !!c.secret || !!c.secretEnv, {
    path: ["secret"],
    message: "a webhook channel is signed: give secret or secretEnv",
  });

const fileSchema = z
  .object({ $comment: z.string().optional(), channels: z.array(channelSchema).default([]) })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.channels.forEach((c, i) => {
      if (seen.has(c.name))
        ctx.addIssue({ code: "custom", path: ["channels", i, "name"], message: `duplicate channel name "${c.name}"` });
      seen.add(c.name);
    });
  });

export type ChannelConfig = z.infer<typeof channelSchema>;
export type Channel = Omit<ChannelConfig, "url" | "urlEnv" | "secret" | "secretEnv"> & {
  url: string;
  secret: string | null;
};

function interpolate(value: string, vars: Record<string, string>, at: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined)
      throw new TargetsConfigError(`${at}: unknown variable \${${name}}; known: ${Object.keys(vars).join(", ")}`);
    return v;
  });
}

export function parseChannelsFile(raw: string, file: string, vars = interpolationVars()): Channel[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new TargetsConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const withVars = JSON.parse(JSON.stringify(json), (k, v) =>
    typeof v === "string" && k !== "$comment" ? interpolate(v, vars, `${file}: ${k}`) : v,
  );
  const parsed = fileSchema.safeParse(withVars);
  if (!parsed.success)
    throw new TargetsConfigError(
      `${file} is invalid:\n${parsed.error.issues.map((i) => `  ${i.path.join(".") || "(file)"}: ${i.message}`).join("\n")}`,
    );
  return parsed.data.channels.map(({ url: u, urlEnv, secret, secretEnv, ...c }, i) => {
    const resolvedUrl = u ?? secretFromEnv(urlEnv!);
    if (!resolvedUrl || !url.safeParse(resolvedUrl).success)
      throw new TargetsConfigError(`${file}: channels.${i}.urlEnv: ${urlEnv} is not set to an absolute URL`);
    const resolvedSecret = secret ?? (secretEnv ? secretFromEnv(secretEnv) : null) ?? null;
    if (c.kind === "webhook" && !resolvedSecret?.startsWith("whsec_"))
      throw new TargetsConfigError(`${file}: channels.${i}.secretEnv: ${secretEnv} is not set to a "whsec_…" secret`);
    return { ...c, url: resolvedUrl, secret: resolvedSecret };
  });
}

let cached: Channel[] | undefined;

/** The channels of channels.json (none when the file does not exist). */
export function loadChannels(): Channel[] {
  if (!cached) {
    const file = env.BACKOUT_CHANNELS_FILE;
    cached = fs.existsSync(file) ? parseChannelsFile(fs.readFileSync(file, "utf8"), file) : [];
  }
  return cached;
}

export function findChannel(name: string): Channel | undefined {
  return loadChannels().find((c) => c.name === name);
}

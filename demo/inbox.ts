/**
 * The demo's inbox: where the demo channels of channels.json deliver, so a fresh `npm start` can
 * send a plan §7 update and see it arrive. A Slack-compatible incoming webhook at POST /slack and a
 * Standard Webhooks receiver at POST /webhook that checks the signature; GET / lists what arrived.
 * Messages are kept in a JSON-lines file so a restart loses none.
 *
 *   node --import tsx demo/inbox.ts <port> <file> [whsec_secret]
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

export const DEMO_WEBHOOK_SECRET = "whsec_YmFja291dC1kZW1vLXdlYmhvb2stc2VjcmV0LTAwMDE=";

type Received = { at: string; path: string; verified: boolean | null; text: string; headers: Record<string, string> };

/** Standard Webhooks: "v1,<base64 HMAC-SHA256(id.timestamp.body)>" keyed with the secret's base64 bytes; 5 minutes of tolerance. */
export function verifyStandardWebhook(
  secret: string,
  headers: http.IncomingHttpHeaders,
  body: string,
  now = Date.now(),
): boolean {
  const id = String(headers["webhook-id"] ?? "");
  const ts = Number(headers["webhook-timestamp"] ?? NaN);
  const signatures = String(headers["webhook-signature"] ?? "").split(" ");
  if (!id || !Number.isFinite(ts) || Math.abs(now / 1000 - ts) > 300) return false;
  const expected = crypto
    .createHmac("sha256", Buffer.from(secret.replace(/^whsec_/, ""), "base64"))
    .update(`${id}.${ts}.${body}`)
    .digest();
  return signatures.some((s) => {
    const [version, sig] = s.split(",");
    const got = Buffer.from(sig ?? "", "base64");
    return version === "v1" && got.length === expected.length && crypto.timingSafeEqual(got, expected);
  });
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export function startInbox(port: number, file: string, secret = DEMO_WEBHOOK_SECRET): http.Server {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const read = (): Received[] =>
    fs.existsSync(file)
      ? fs
          .readFileSync(file, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Received)
          .reverse()
      : [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= 256 * 1024) chunks.push(c);
    });
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (req.method === "POST" && (req.url === "/slack" || req.url === "/webhook")) {
        let text = body;
        try {
          const json = JSON.parse(body) as {
            text?: string;
            data?: { message?: { subject?: string | null; body?: string } };
          };
          text =
            req.url === "/slack"
              ? String(json.text ?? "")
              : [json.data?.message?.subject, json.data?.message?.body].filter(Boolean).join("\n\n");
        } catch {
          /* keep the raw text */
        }
        const verified = req.url === "/webhook" ? verifyStandardWebhook(secret, req.headers, body) : null;
        const headers = Object.fromEntries(
          Object.entries(req.headers)
            .filter(([k]) => k.startsWith("webhook-"))
            .map(([k, v]) => [k, String(v)]),
        );
        fs.appendFileSync(
          file,
          JSON.stringify({ at: new Date().toISOString(), path: req.url, verified, text, headers } satisfies Received) +
            "\n",
        );
        res
          .writeHead(verified === false ? 401 : 200, { "content-type": "application/json" })
          .end(JSON.stringify({ ok: verified !== false }));
        return;
      }
      if (req.method === "GET" && req.url === "/messages.json") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(read()));
        return;
      }
      if (req.method === "GET" && req.url === "/") {
        const items = read()
          .map(
            (m) =>
              `<li><p><b>${esc(m.path === "/slack" ? "#incident-chat (Slack-compatible)" : "stakeholders (signed webhook)")}</b> · ${esc(m.at)}${
                m.verified === null
                  ? ""
                  : m.verified
                    ? " · <span style=color:green>signature verified</span>"
                    : " · <span style=color:red>bad signature</span>"
              }</p><pre>${esc(m.text)}</pre></li>`,
          )
          .join("");
        res
          .writeHead(200, { "content-type": "text/html; charset=utf-8" })
          .end(
            `<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=5><title>Demo inbox</title><body style="font:14px system-ui;max-width:50rem;margin:2rem auto"><h1>Demo inbox</h1><p>What Backout's demo channels delivered, newest first (refreshes every 5 s).</p><ol style="list-style:none;padding:0">${items || "<li>Nothing yet: send an update from an incident in Backout.</li>"}</ol>`,
          );
        return;
      }
      res.writeHead(404).end();
    });
  });
  server.listen(port, "127.0.0.1");
  return server;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [port, file, secret] = process.argv.slice(2);
  if (!port || !file) {
    console.error("usage: demo/inbox.ts <port> <file> [whsec_secret]");
    process.exit(2);
  }
  startInbox(Number(port), file, secret);
  console.log(`demo inbox on http://127.0.0.1:${port}`);
}

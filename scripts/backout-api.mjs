// What the terminal scripts (follow-run.mjs, deploy-gate.mjs) share: where Backout is, the token
// they send, and one call that either answers the JSON or stops the script saying why (exit 2).
// Env: BACKOUT_URL (default http://localhost:3001), BACKOUT_TOKEN (sent as a Bearer token).

export const base = (process.env.BACKOUT_URL ?? "http://localhost:3001").replace(/\/$/, "");
export const headers = {
  "content-type": "application/json",
  ...(process.env.BACKOUT_TOKEN ? { authorization: `Bearer ${process.env.BACKOUT_TOKEN}` } : {}),
};

export function die(msg, code = 2) {
  console.error(`❌ ${msg}`);
  process.exit(code);
}

export async function api(method, path, body) {
  let res;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    die(`cannot reach Backout at ${base} (${e.cause?.code ?? e.message}); is it running? (npm start)`);
  }
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const issues = (json.issues ?? []).map((i) => `\n   ${i.path}: ${i.message}`).join("");
    die(`${method} ${path} → ${res.status}: ${json.error ?? res.statusText}${issues}`);
  }
  return json;
}

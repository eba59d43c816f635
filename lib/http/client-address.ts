import "server-only";

/**
 * The address a request came from, as Backout's own web server saw the connection
 * (scripts/web-server.ts writes it over anything a client sent). Behind a proxy that is the proxy.
 */
export function clientAddress(req: { headers: Headers }): string {
  return req.headers.get("x-backout-client-ip") ?? "unknown";
}

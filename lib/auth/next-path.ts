/**
 * Where to go after signing in or choosing a password: only a path on this site. Parsed the way a
 * browser would (it drops tabs and newlines, so "/\t/evil.com" is "//evil.com"), and never back to
 * the password page itself.
 */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(next)) return "/";
  const base = "http://backout.invalid";
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return "/";
  }
  if (url.origin !== base || url.pathname.startsWith("/change-password")) return "/";
  return url.pathname + url.search + url.hash;
}

// No "server-only": the web server (scripts/web-server.ts) imports it before Next.

/**
 * The URL with any path escape that is not UTF-8 (a lone surrogate's %ED%A0%80, a stray %FF) read as
 * U+FFFD, as a browser's URL parser reads it; the route then refuses the value, naming the field,
 * and audits the request, where Next would answer a bare 500.
 */
export function wellFormedPath(url: string): string {
  const q = url.indexOf("?");
  const pathname = q < 0 ? url : url.slice(0, q);
  try {
    decodeURIComponent(pathname);
    return url;
  } catch {
    const fixed = pathname
      .split("/")
      .map((segment) => {
        try {
          decodeURIComponent(segment);
          return segment;
        } catch {
          const bytes: number[] = [];
          for (let i = 0; i < segment.length; i++) {
            const hex = segment[i] === "%" ? segment.slice(i + 1, i + 3) : "";
            if (/^[0-9a-fA-F]{2}$/.test(hex)) {
              bytes.push(parseInt(hex, 16));
              i += 2;
            } else bytes.push(...Buffer.from(segment[i]!, "utf8"));
          }
          return encodeURIComponent(new TextDecoder().decode(new Uint8Array(bytes)));
        }
      })
      .join("/");
    return fixed + (q < 0 ? "" : url.slice(q));
  }
}

// Where the queue board lives and the policy its page runs under. Pure: the web server reads it too.

export const BOARD_PATH = "/admin/queues";

/**
 * The board is its own page: its scripts are files of its own package (there is no nonce to give
 * them), and it sets <base href>. Still nothing from elsewhere, no frames, no forms to other places.
 */
export const BOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

export const isBoardPath = (pathname: string) => pathname === BOARD_PATH || pathname.startsWith(`${BOARD_PATH}/`);

/** The port `tessera serve` listens on unless told otherwise; the Photoshop panel looks for a local server there. */
export const DEFAULT_SERVE_PORT = 8765;

export const DEFAULT_LOCAL_SERVER_URL = `http://127.0.0.1:${DEFAULT_SERVE_PORT}`;

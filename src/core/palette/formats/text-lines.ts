/**
 * Palette files come from every editor and OS, so reading is lenient: UTF-8 without complaint
 * about bad bytes (they become U+FFFD and the line is skipped later), a BOM is dropped, and
 * LF, CRLF and old-Mac CR line ends all work.
 */
export function decodeTextLines(bytes: Uint8Array): string[] {
  const text = new TextDecoder('utf-8').decode(bytes);
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/);
}

/** Lines → UTF-8 bytes, each line ended by `eol` (the last one too, as editors expect). */
export function encodeTextLines(lines: readonly string[], eol: '\n' | '\r\n' = '\n'): Uint8Array {
  return new TextEncoder().encode(lines.join(eol) + eol);
}

/** A line as the user would want to see it in a warning: trimmed, at most ~40 characters. */
export function quoteLine(line: string): string {
  const text = line.trim();
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text);
}

/** One text field on one line (a palette name written into a header), without line breaks. */
export function singleLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').trim();
}

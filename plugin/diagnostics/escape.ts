/**
 * Text that ends up in a terminal or the overlay — paths and messages that quote model
 * output or a person's files — must not carry control sequences that rewrite the screen.
 * Used by every renderer (docs/ARCHITECTURE.md, "Layers": diagnostics is the bottom layer).
 */

/** `s` with every control or escape byte shown as `\xNN` / `\u{…}` (for terminals and the overlay). */
export function escapeControl(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0)
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`
  })
}

/**
 * Like {@link escapeControl}, but colour (SGR) sequences such as `\x1b[31m` are kept: for
 * lines sitesmith itself may have coloured. Everything else — OSC title/hyperlink
 * sequences, cursor moves, screen clears, bells — is shown escaped.
 */
export function escapeTerminal(s: string): string {
  return s
    .split(/(\x1b\[[0-9;]*m)/)
    .map((part, i) => (i % 2 === 1 ? part : escapeControl(part)))
    .join('')
}

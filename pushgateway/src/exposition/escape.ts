// Reading the escapes of the text exposition format 0.0.4 (writing them: @brainbytes/telemetry).

/** Undoes `\\`, `\n` (and in label values `\"`) escapes; other backslashes stay as written. */
export function unescapeText(text: string, quote: boolean): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\' || i + 1 === text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === '"' && quote) out += '"';
    else out += c + next;
    i++;
  }
  return out;
}

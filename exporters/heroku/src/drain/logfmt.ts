/**
 * logfmt as Heroku writes it: `key=value` pairs separated by spaces; values may be quoted with
 * `"` (backslash escapes inside), and may be empty (`dyno= connect=`). A bare word is a key
 * with an empty value.
 */
export function parseLogfmt(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 0x20) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && text.charCodeAt(i) !== 0x3d /* = */ && text.charCodeAt(i) !== 0x20) i++;
    const key = text.slice(keyStart, i);
    if (i >= n || text.charCodeAt(i) === 0x20) {
      if (key) pairs.set(key, '');
      continue;
    }
    i++; // '='
    if (text.charCodeAt(i) === 0x22 /* " */) {
      i++;
      let value = '';
      let from = i;
      while (i < n && text.charCodeAt(i) !== 0x22) {
        if (text.charCodeAt(i) === 0x5c /* \ */ && i + 1 < n) {
          value += text.slice(from, i);
          from = i + 1;
          i += 2;
        } else i++;
      }
      value += text.slice(from, i);
      i++; // closing quote (or end of text)
      pairs.set(key, value);
    } else {
      const valueStart = i;
      while (i < n && text.charCodeAt(i) !== 0x20) i++;
      pairs.set(key, text.slice(valueStart, i));
    }
  }
  return pairs;
}

/** The RFC 5424 header fields a Heroku drain message carries, and its text. */
export interface SyslogMessage {
  /** `heroku` for platform messages, `app` for the app's own output. */
  appName: string;
  /** `router`, `web.1`, `heroku-postgres`, `logplex`, `api`, … */
  procId: string;
  text: string;
}

/**
 * Reads `<PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`. Heroku omits the
 * structured data; when another sender includes it (`-` or `[…]`), it is skipped. Undefined when
 * the line is not syslog.
 */
export function parseSyslog(line: string): SyslogMessage | undefined {
  if (line.charCodeAt(0) !== 0x3c /* < */) return undefined;
  const pri = line.indexOf('>');
  if (pri < 2 || pri > 4) return undefined;
  let at = pri + 1;
  const fields: string[] = [];
  for (let f = 0; f < 6; f++) {
    const space = line.indexOf(' ', at);
    if (space === -1) return undefined;
    fields.push(line.slice(at, space));
    at = space + 1;
  }
  // fields: version, timestamp, hostname, app-name, procid, msgid
  if (fields[0] !== '1') return undefined;
  if (line.charCodeAt(at) === 0x5b /* [ */) {
    const close = line.indexOf('] ', at);
    if (close !== -1) at = close + 2;
  }
  return { appName: fields[3]!, procId: fields[4]!, text: line.slice(at) };
}

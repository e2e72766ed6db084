/**
 * Splits a Heroku HTTPS drain body (`application/logplex-1`) into syslog messages. Each frame is
 * octet-counted (RFC 6587 §3.4.1): `<length> <message>`, where the length counts the message
 * bytes including its trailing newline; a frame whose newline is missing is taken as it is.
 */
export interface Frames {
  messages: string[];
  /** Frames whose length prefix was unreadable or pointed past the end of the body. */
  malformed: number;
}

const SPACE = 0x20;

/** All messages of a body at once (tests and tools); the receiver uses `forEachFrame`. */
export function splitFrames(body: Buffer): Frames {
  const messages: string[] = [];
  const { malformed } = forEachFrame(body, (m) => messages.push(m));
  return { messages, malformed };
}

/**
 * Calls `onMessage` for each message as it is read, so a large body never holds all its messages
 * at once. Returns how many were read and how many frames were malformed.
 */
export function forEachFrame(
  body: Buffer,
  onMessage: (message: string) => void,
): { messages: number; malformed: number } {
  let messages = 0;
  let malformed = 0;
  let i = 0;
  while (i < body.length) {
    while (i < body.length && (body[i] === 0x0a || body[i] === 0x0d || body[i] === SPACE)) i++;
    if (i >= body.length) break;
    let length = 0;
    let digits = 0;
    while (i < body.length && body[i]! >= 0x30 && body[i]! <= 0x39 && digits < 9) {
      length = length * 10 + (body[i]! - 0x30);
      i++;
      digits++;
    }
    if (digits === 0 || body[i] !== SPACE || length === 0) {
      malformed++;
      const next = body.indexOf(0x0a, i); // resynchronise at the next line
      if (next === -1) break;
      i = next + 1;
      continue;
    }
    const start = i + 1;
    const end = start + length;
    if (end > body.length) {
      malformed++; // truncated: the last frame of a cut body
      break;
    }
    const last = body[end - 1] === 0x0a ? end - 1 : end;
    onMessage(body.toString('utf8', start, last));
    messages++;
    i = end;
  }
  return { messages, malformed };
}

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * A local SMTP server for `npm start` when no SMTP_SMARTHOST is set: Alertmanager's emails are
 * kept as .eml files (open them in any mail program) and announced on the console.
 */
export async function startMailSink(port: number, dir: string) {
  mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const subject = /^Subject: (.*)$/im.exec(raw.toString('utf8'))?.[1]?.trim() ?? '(no subject)';
        const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
        const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.eml`);
        writeFileSync(file, raw);
        process.stdout.write(`[mail] to ${to}: ${subject} (${path.basename(file)})\n`);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

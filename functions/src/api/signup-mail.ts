import { ConfigError, type Env, numberSetting } from '@brainbytes/telemetry/service';
import nodemailer from 'nodemailer';

/**
 * Sign-up by email code: the one way to answer a new and a taken email alike. Both get 202 "check
 * your email"; the new one a six-digit code to finish signing up, the taken one a note that the
 * account exists. Off (instant sign-up, 409 for a taken email) until API_SIGNUP_SMTP_URL is set.
 */
export interface SignupMailSettings {
  /** API_SIGNUP_SMTP_URL: smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465. */
  smtpUrl: string;
  /** API_SIGNUP_MAIL_FROM */
  from: string;
  /** API_SIGNUP_CODE_MINUTES: how long a code works (30). */
  codeMinutes: number;
}

export function loadSignupMailSettings(env: Env): SignupMailSettings | undefined {
  const smtpUrl = env.API_SIGNUP_SMTP_URL?.trim();
  if (!smtpUrl) return undefined;
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new ConfigError(
      'API_SIGNUP_SMTP_URL must be a URL such as smtp://user:password@smtp.example.ph:587',
    );
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new ConfigError('API_SIGNUP_SMTP_URL must start with smtp:// or smtps://');
  return {
    smtpUrl,
    from: env.API_SIGNUP_MAIL_FROM?.trim() || 'BrainBytes <no-reply@brainbytes.ph>',
    codeMinutes: numberSetting('API_SIGNUP_CODE_MINUTES', env.API_SIGNUP_CODE_MINUTES, 30, {
      min: 1,
      max: 1440,
    }),
  };
}

export type SignupMail = { kind: 'code'; code: string; minutes: number } | { kind: 'exists' };

/** Both languages in every mail: the sign-up form does not tell which the student reads. */
function compose(mail: SignupMail): { subject: string; text: string } {
  if (mail.kind === 'code')
    return {
      subject: `Your BrainBytes code: ${mail.code}`,
      text: [
        `Your code to finish signing up for BrainBytes is ${mail.code}. It works for ${mail.minutes} minutes.`,
        '',
        `Ang code mo para matapos ang pag-sign up sa BrainBytes ay ${mail.code}. Gagana ito sa loob ng ${mail.minutes} minuto.`,
        '',
        'If you did not sign up, ignore this email. / Kung hindi ikaw ang nag-sign up, huwag pansinin ang email na ito.',
      ].join('\n'),
    };
  return {
    subject: 'You already have a BrainBytes account',
    text: [
      'Someone (maybe you) tried to sign up for BrainBytes with this email, but it already has an account. Log in with your password instead.',
      '',
      'May sumubok (baka ikaw) na mag-sign up sa BrainBytes gamit ang email na ito, pero may account na ito. Mag-log in na lang gamit ang password mo.',
      '',
      'If it was not you, nothing changed: your account and password are as they were. / Kung hindi ikaw, walang nagbago sa account mo.',
    ].join('\n'),
  };
}

export type SendSignupMail = (to: string, mail: SignupMail) => Promise<void>;

/** Sends sign-up mail through API_SIGNUP_SMTP_URL (a pooled connection, 10 s at most per mail). */
export function smtpSignupMail(settings: SignupMailSettings): SendSignupMail {
  const url = new URL(settings.smtpUrl);
  const secure = url.protocol === 'smtps:';
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (secure ? 465 : 587)),
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    pool: true,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 10_000,
  });
  return async (to, mail) => {
    await transport.sendMail({ from: settings.from, to, ...compose(mail) });
  };
}

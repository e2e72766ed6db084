import type { Language } from './i18n';

/**
 * The words of the log-in and sign-up forms (components/auth-form.tsx): apart from lib/i18n.ts so
 * that only the pages with a form ship them to the phone, not /ask and the rest.
 */
const en = {
  email: 'Email',
  name: 'Your name',
  password: 'Password',
  passwordHint: 'At least 8 characters',
  login: 'Log in',
  signup: 'Create account',
  noAccount: 'No account yet?',
  haveAccount: 'Already have an account?',
  codeSent:
    'Check your email: we sent a 6-digit code to finish signing up. If you already have an account, the email says so: log in instead.',
  code: 'Code from the email',
  finishSignup: 'Finish signing up',
  authFailed: {
    credentials: 'The email or password is wrong.',
    taken: 'An account with this email already exists. Log in instead.',
    limited: 'Too many tries for now. Try again in a few minutes.',
    invalid: 'Check the email, and a password of at least 8 characters.',
    code: 'The code or password is wrong, or the code has expired. Sign up again for a new code.',
  },
};

export type AuthMessages = typeof en;

const fil: AuthMessages = {
  email: 'Email',
  name: 'Pangalan mo',
  password: 'Password',
  passwordHint: 'Hindi bababa sa 8 karakter',
  login: 'Mag-log in',
  signup: 'Gumawa ng account',
  noAccount: 'Wala pang account?',
  haveAccount: 'May account na?',
  codeSent:
    'Tingnan ang email mo: nagpadala kami ng 6-digit na code para matapos ang pag-sign up. Kung may account ka na, sinasabi iyon ng email: mag-log in na lang.',
  code: 'Code mula sa email',
  finishSignup: 'Tapusin ang pag-sign up',
  authFailed: {
    credentials: 'Mali ang email o password.',
    taken: 'May account na gamit ang email na ito. Mag-log in na lang.',
    limited: 'Masyadong marami ang sinubukan sa ngayon. Subukan ulit pagkalipas ng ilang minuto.',
    invalid: 'Tingnan ang email, at ang password na hindi bababa sa 8 titik.',
    code: 'Mali ang code o password, o nag-expire na ang code. Mag-sign up ulit para sa bagong code.',
  },
};

export const AUTH_MESSAGES: Record<Language, AuthMessages> = { en, fil };

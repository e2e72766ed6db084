import type { Language } from './i18n';

/**
 * The words of asking without JavaScript (app/ask/form), and the link to it that only a browser
 * without JavaScript shows on /ask (a <noscript>): rendered on the server, never shipped in a script.
 */
const en = {
  withoutScript: 'No JavaScript on this browser? Ask here instead.',
  title: 'Ask (without JavaScript)',
  logInFirst: 'Log in first to ask the tutor.',
  sent: 'The tutor answered below.',
  unreachable:
    'BrainBytes could not be reached, so the answers of this session are not shown. You can still send a question.',
  refused: {
    invalid: 'That question could not be asked: check it is not empty and under 2,000 characters.',
    ended: 'That study session has ended; your next question starts a new one.',
    limited: 'Too many questions for now. Wait a minute, then ask again.',
    unavailable:
      'BrainBytes could not be reached. Your question is still in the box; send it again in a moment.',
  },
};

export type FormMessages = typeof en;
export type FormRefusal = keyof FormMessages['refused'];

const fil: FormMessages = {
  withoutScript: 'Walang JavaScript ang browser na ito? Dito ka magtanong.',
  title: 'Magtanong (walang JavaScript)',
  logInFirst: 'Mag-log in muna para makapagtanong sa tutor.',
  sent: 'Sumagot ang tutor sa ibaba.',
  unreachable:
    'Hindi maabot ang BrainBytes, kaya hindi maipakita ang mga sagot sa sesyong ito. Puwede ka pa ring magpadala ng tanong.',
  refused: {
    invalid: 'Hindi maitanong iyan: tiyaking hindi ito blangko at wala pang 2,000 karakter.',
    ended: 'Tapos na ang sesyong iyon; magsisimula ng bago ang susunod mong tanong.',
    limited: 'Sobrang dami ng tanong sa ngayon. Maghintay ng isang minuto, saka magtanong ulit.',
    unavailable: 'Hindi maabot ang BrainBytes. Nasa kahon pa ang tanong mo; ipadala ulit maya-maya.',
  },
};

export const FORM_MESSAGES: Record<Language, FormMessages> = { en, fil };

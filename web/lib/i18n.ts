export type Language = 'en' | 'fil';

export const SUBJECT_IDS = ['math', 'science', 'english', 'filipino', 'history', 'general'] as const;
export type SubjectId = (typeof SUBJECT_IDS)[number];

const en = {
  appName: 'BrainBytes',
  skip: 'Skip to content',
  navAsk: 'Ask',
  navSessions: 'Past sessions',
  navSubjects: 'Subjects',
  navLogin: 'Log in',
  navSignup: 'Sign up',
  navLogout: 'Log out',
  language: 'Language',
  subject: 'Subject',
  question: 'Your question',
  questionHint: 'Saved on this phone as you type.',
  questionLength: (n: string, max: string, cut: string | undefined) =>
    `${n} of ${max} characters${cut ? `: ${cut} did not fit` : ''}`,
  ask: 'Ask',
  thinking: 'The tutor is answering…',
  queued: 'Saved on this phone — it will be sent when you are back online.',
  queuedCount: (n: number) => `${n} question${n === 1 ? '' : 's'} waiting to be sent`,
  sendNow: 'Send now',
  offline: 'You are offline. You can still ask: questions wait on this phone.',
  thread: 'This study session',
  emptyThread: 'No questions yet. Ask your first one!',
  newSession: 'New session',
  you: 'You',
  tutor: 'Tutor',
  copy: 'Copy answer',
  copied: 'Copied',
  refused: 'Not sent:',
  mainNav: 'Main',
  loading: 'Loading…',
  needsScript: 'This page needs JavaScript to load. Turn it on, or wait for the page to finish loading.',
  error: 'Something went wrong:',
  needLogin: 'Please log in first.',
  dataSaver: 'Data saver',
  dataSaverHint:
    'Shorter answers; no usage reports but errors; pages kept for offline only when you open them.',
  visitorAsk:
    'Type your question now: it is kept on this phone. Sign up free, or log in, to send it to the tutor.',
  signupToAsk: 'Sign up to ask',
  rateLimited: (minutes: number) =>
    `Too many tries for now. Your question is kept on this phone; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  queuedOnline: 'Saved on this phone — waiting to be sent.',
  problem: {
    unavailable: 'BrainBytes cannot be reached right now. Try again in a moment.',
    offline: 'No connection. Check your data or Wi-Fi and try again.',
    timeout: 'It took too long to answer. Try again.',
    loggedOut: 'Your login has ended. Log in again.',
    unknown: 'Something went wrong. Try again.',
  },
  refusedReason: {
    ended: 'this study session has ended; ask it again in a new one.',
    invalid: 'the tutor could not take this question.',
  },
  loginExpired: (n: number) =>
    `Your login has ended. Log in again to send ${n === 1 ? 'the question' : `the ${n} questions`} waiting on this phone.`,
  logoutAsk: 'Log out on this phone?',
  logoutWaiting: (n: number) =>
    `${n} question${n === 1 ? '' : 's'} you asked ${n === 1 ? 'is' : 'are'} still waiting. ${n === 1 ? 'It stays' : 'They stay'} on this phone for you alone and ${n === 1 ? 'is' : 'are'} sent when you log in again.`,
  logoutConfirm: 'Log out',
  logoutDelete: 'Delete them and log out',
  cancel: 'Cancel',
  answeredElsewhere: (subject: string) => `Answered in your ${subject} session`,
  newSessionNext: (subject: string) =>
    `Your next question starts a new ${subject} session. The answers so far stay here and in Past sessions.`,
  subjects: {
    math: 'Math',
    science: 'Science',
    english: 'English',
    filipino: 'Filipino',
    history: 'History',
    general: 'General',
  },
};

export type Messages = typeof en;

const fil: Messages = {
  appName: 'BrainBytes',
  skip: 'Lumaktaw sa nilalaman',
  navAsk: 'Magtanong',
  navSessions: 'Mga nakaraang sesyon',
  navSubjects: 'Mga asignatura',
  navLogin: 'Mag-log in',
  navSignup: 'Mag-sign up',
  navLogout: 'Mag-log out',
  language: 'Wika',
  subject: 'Asignatura',
  question: 'Ang tanong mo',
  questionHint: 'Nase-save sa telepono habang nagta-type ka.',
  questionLength: (n: string, max: string, cut: string | undefined) =>
    `${n} sa ${max} na karakter${cut ? `: ${cut} ang hindi nagkasya` : ''}`,
  ask: 'Itanong',
  thinking: 'Sumasagot ang tutor…',
  queued: 'Naka-save sa teleponong ito — ipapadala pagbalik ng koneksyon.',
  queuedCount: (n: number) => `${n} tanong ang naghihintay maipadala`,
  sendNow: 'Ipadala na',
  offline: 'Offline ka. Puwede ka pa ring magtanong: maghihintay ang mga tanong sa telepono.',
  thread: 'Ang sesyong ito',
  emptyThread: 'Wala pang tanong. Itanong ang una mo!',
  newSession: 'Bagong sesyon',
  you: 'Ikaw',
  tutor: 'Tutor',
  copy: 'Kopyahin ang sagot',
  copied: 'Nakopya',
  refused: 'Hindi naipadala:',
  mainNav: 'Pangunahin',
  loading: 'Naglo-load…',
  needsScript:
    'Kailangan ng JavaScript para mag-load ang pahinang ito. I-on ito, o hintaying matapos mag-load ang pahina.',
  error: 'May nangyaring mali:',
  needLogin: 'Mag-log in muna.',
  dataSaver: 'Tipid sa data',
  dataSaverHint:
    'Mas maiikling sagot; walang ulat ng paggamit maliban sa mga error; itinatabi lang para sa offline ang mga pahinang binuksan mo.',
  visitorAsk:
    'I-type na ang tanong mo: itatabi ito sa phone na ito. Mag-sign up nang libre, o mag-log in, para maipadala ito sa tutor.',
  signupToAsk: 'Mag-sign up para magtanong',
  rateLimited: (minutes: number) =>
    `Masyadong marami ang sinubukan sa ngayon. Naka-save ang tanong mo sa teleponong ito; subukan ulit sa loob ng ${minutes} minuto.`,
  queuedOnline: 'Naka-save sa teleponong ito — naghihintay maipadala.',
  problem: {
    unavailable: 'Hindi maabot ang BrainBytes ngayon. Subukan ulit maya-maya.',
    offline: 'Walang koneksyon. Tingnan ang data o Wi-Fi mo at subukan ulit.',
    timeout: 'Masyadong natagalan ang sagot. Subukan ulit.',
    loggedOut: 'Natapos na ang pag-log in mo. Mag-log in ulit.',
    unknown: 'May nangyaring mali. Subukan ulit.',
  },
  refusedReason: {
    ended: 'tapos na ang sesyong ito; itanong ulit sa bagong sesyon.',
    invalid: 'hindi ito matanggap ng tutor.',
  },
  loginExpired: (n: number) =>
    `Natapos na ang pag-log in mo. Mag-log in ulit para maipadala ang ${n === 1 ? 'tanong' : `${n} tanong`} na naghihintay sa teleponong ito.`,
  logoutAsk: 'Mag-log out sa teleponong ito?',
  logoutWaiting: (n: number) =>
    `${n} tanong mo ang naghihintay pa. Mananatili ${n === 1 ? 'ito' : 'ang mga ito'} sa teleponong ito para sa iyo lamang, at ipapadala pag nag-log in ka ulit.`,
  logoutConfirm: 'Mag-log out',
  logoutDelete: 'Burahin ang mga ito at mag-log out',
  cancel: 'Kanselahin',
  answeredElsewhere: (subject: string) => `Sinagot sa sesyon mo sa ${subject}`,
  newSessionNext: (subject: string) =>
    `Magsisimula ng bagong sesyon sa ${subject} ang susunod mong tanong. Nandito pa rin ang mga sagot, at nasa Mga nakaraang sesyon.`,
  subjects: {
    math: 'Matematika',
    science: 'Agham',
    english: 'Ingles',
    filipino: 'Filipino',
    history: 'Kasaysayan',
    general: 'Pangkalahatan',
  },
};

export const MESSAGES: Record<Language, Messages> = { en, fil };

/** The language a request asks for: the `bb.lang` cookie the app sets, else the browser's own. */
export function languageOf(cookie: string | undefined, acceptLanguage: string | null | undefined): Language {
  if (cookie === 'fil' || cookie === 'en') return cookie;
  return /^(fil|tl)\b/i.test(acceptLanguage ?? '') ? 'fil' : 'en';
}

/** The cookie the server reads to render the chosen language from the first byte. */
export const LANGUAGE_COOKIE = 'bb.lang';

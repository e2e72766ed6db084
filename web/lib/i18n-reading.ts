import type { Language } from './i18n';

/**
 * The words of the past sessions and subjects pages: apart from lib/i18n.ts so that /ask, the page
 * a student opens most, does not ship them.
 */
const en = {
  sessionsTitle: 'Past study sessions',
  noSessions: 'No study sessions yet.',
  questions: (n: number) => `${n} question${n === 1 ? '' : 's'}`,
  open: 'Open',
  offlineSession:
    'You are offline and this session was not saved on this phone. Open it again when you are online.',
  askFirst: 'Ask your first question',
  subjectsTitle: 'Subject materials',
  noMaterial: 'No material in English for this subject yet.',
  askInstead: 'Ask the tutor',
  offlineSaved: 'You are offline: this is what was saved on this phone.',
};

export type ReadingMessages = typeof en;

const fil: ReadingMessages = {
  sessionsTitle: 'Mga nakaraang sesyon',
  noSessions: 'Wala pang sesyon.',
  questions: (n: number) => `${n} tanong`,
  open: 'Buksan',
  offlineSession:
    'Offline ka at hindi naka-save sa teleponong ito ang sesyong ito. Buksan ulit pag online ka na.',
  askFirst: 'Itanong ang una mong tanong',
  subjectsTitle: 'Mga materyales',
  noMaterial: 'Wala pang materyales sa Filipino para sa asignaturang ito.',
  askInstead: 'Magtanong sa tutor',
  offlineSaved: 'Offline ka: ito ang naka-save sa teleponong ito.',
};

export const READING_MESSAGES: Record<Language, ReadingMessages> = { en, fil };

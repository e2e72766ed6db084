import type { Language } from './i18n';

/**
 * The words of the home page and of what the server renders around every page (the description,
 * the 404 page): apart from lib/i18n.ts so that /ask and the other pages do not ship them.
 */
const en = {
  tagline: 'Your tutor for every subject — even on slow or patchy data.',
  start: 'Start asking',
  homeTitle: 'BrainBytes — your AI tutor',
  description: 'Ask the tutor by subject, in English or Filipino — even on slow or patchy data.',
  notFound: 'There is no page here.',
  notFoundBack: 'Go to Ask',
};

export type FrontMessages = typeof en;

const fil: FrontMessages = {
  tagline: 'Ang tutor mo sa bawat asignatura — kahit mabagal o putol-putol ang data.',
  start: 'Magsimulang magtanong',
  homeTitle: 'BrainBytes — ang AI tutor mo',
  description:
    'Magtanong sa tutor ayon sa asignatura, sa English o Filipino — kahit mabagal o putol-putol ang data.',
  notFound: 'Walang pahina rito.',
  notFoundBack: 'Pumunta sa Itanong',
};

export const FRONT_MESSAGES: Record<Language, FrontMessages> = { en, fil };

import { CURRICULUM, type Language, type Lesson, type Subject } from './curriculum';

export const OFFLINE_MODEL = 'curriculum-v1';
/** Words only Filipino (and the Taglish students write) uses this often; two of them make a question Filipino. */
const FILIPINO_MARKERS = new Set([
  'ano',
  'paano',
  'bakit',
  'ang',
  'mga',
  'ng',
  'sa',
  'ba',
  'po',
  'ko',
  'kung',
  'saan',
  'sino',
  'kailan',
  'ay',
  'na',
  'yung',
  'kasi',
  'para',
  'ito',
  'iyan',
  'gaano',
  'ilan',
  'alin',
  'pwede',
  'puwede',
  'naman',
  'lang',
]);

const words = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-z0-9-]+/)
    .filter(Boolean);

export function detectLanguage(question: string): Language {
  const found = words(question).filter((w) => FILIPINO_MARKERS.has(w)).length;
  return found >= 2 ? 'fil' : 'en';
}

/**
 * Answers from the curriculum: the lesson sharing most words with the question (its subject
 * breaking ties), in the language the student wrote in. Every answer says it came from the offline tutor.
 */
export function offlineAnswer(
  question: string,
  subject: Subject,
  language = detectLanguage(question),
): { answer: string; lesson?: Lesson } {
  const asked = new Set(words(question));
  let best: { lesson: Lesson; score: number } | undefined;
  for (const lesson of CURRICULUM) {
    const hits = lesson.keywords.filter((k) => asked.has(k)).length;
    if (hits === 0) continue;
    const score = hits * 10 + (lesson.subject === subject ? 3 : 0);
    if (!best || score > best.score) best = { lesson, score };
  }
  const label = language === 'fil' ? 'Offline na tutor' : 'Offline tutor';
  if (!best) {
    const hint =
      language === 'fil'
        ? 'Wala pa akong aralin tungkol diyan. Subukang gamitin ang mga salitang susi ng paksa (hal. "praksiyon", "potosintesis", "Rizal").'
        : 'I have no lesson on that yet. Try the key words of the topic (for example "fractions", "photosynthesis", "Rizal").';
    return { answer: `(${label}) ${hint}` };
  }
  return { answer: `(${label}) ${best.lesson.answer[language]}`, lesson: best.lesson };
}

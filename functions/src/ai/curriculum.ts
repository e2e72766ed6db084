/**
 * The offline tutor's curriculum: short lessons written for this project, in English and Filipino,
 * found by the words a student uses. Small on purpose: it answers the common questions when no AI
 * provider is configured or reachable, and says so.
 */
export type Subject = 'math' | 'science' | 'english' | 'filipino' | 'history' | 'general';
export type Language = 'en' | 'fil';

export interface Lesson {
  subject: Subject;
  language: Language;
  keywords: string[];
  answer: string;
}

export const SUBJECTS: readonly Subject[] = ['math', 'science', 'english', 'filipino', 'history', 'general'];

export const CURRICULUM: readonly Lesson[] = [
  {
    subject: 'math',
    language: 'en',
    keywords: ['fraction', 'fractions', 'add', 'adding', 'denominator', 'numerator'],
    answer:
      'To add fractions, first give them the same denominator. Example: 1/2 + 1/3 → 3/6 + 2/6 = 5/6. Multiply top and bottom of each fraction by the number that makes the denominators equal, then add only the numerators.',
  },
  {
    subject: 'math',
    language: 'fil',
    keywords: ['praksiyon', 'fraction', 'pagdaragdag', 'idagdag', 'denominador'],
    answer:
      'Para magdagdag ng praksiyon, gawing pareho muna ang denominador. Halimbawa: 1/2 + 1/3 → 3/6 + 2/6 = 5/6. Idagdag lang ang mga numerador kapag pareho na ang denominador.',
  },
  {
    subject: 'math',
    language: 'en',
    keywords: ['equation', 'solve', 'x', 'linear', 'variable', 'algebra'],
    answer:
      'To solve a linear equation, do the same thing to both sides until x stands alone. Example: 2x + 3 = 11 → subtract 3: 2x = 8 → divide by 2: x = 4. Check by putting 4 back: 2·4 + 3 = 11.',
  },
  {
    subject: 'math',
    language: 'en',
    keywords: ['percent', 'percentage', 'discount', 'sale'],
    answer:
      'A percent is "out of 100". To find 20% of ₱350, multiply 350 × 0.20 = ₱70. A 20% discount means you pay 350 − 70 = ₱280.',
  },
  {
    subject: 'science',
    language: 'en',
    keywords: ['photosynthesis', 'plants', 'plant', 'chlorophyll', 'sunlight', 'leaves'],
    answer:
      'Photosynthesis is how plants make food: in their leaves, chlorophyll uses sunlight to turn carbon dioxide and water into glucose (sugar), giving off oxygen. In short: CO₂ + H₂O + light → glucose + O₂.',
  },
  {
    subject: 'science',
    language: 'fil',
    keywords: ['potosintesis', 'photosynthesis', 'halaman', 'dahon', 'araw', 'liwanag'],
    answer:
      'Ang potosintesis ay ang paraan ng halaman sa paggawa ng pagkain: sa dahon, ginagamit ng chlorophyll ang liwanag ng araw para gawing glucose ang carbon dioxide at tubig, at naglalabas ito ng oxygen.',
  },
  {
    subject: 'science',
    language: 'en',
    keywords: ['typhoon', 'typhoons', 'storm', 'weather', 'pagasa', 'signal'],
    answer:
      'A typhoon is a strong tropical cyclone that forms over warm ocean water. Warm, moist air rises, cools and forms clouds, releasing heat that powers the storm. PAGASA raises wind signals 1 to 5 as winds get stronger.',
  },
  {
    subject: 'english',
    language: 'en',
    keywords: ['noun', 'verb', 'adjective', 'parts', 'speech', 'grammar'],
    answer:
      'Parts of speech: a noun names a person, place or thing (Maria, school); a verb shows action or being (runs, is); an adjective describes a noun (tall, blue). In "The tall girl runs", girl is the noun, runs the verb, tall the adjective.',
  },
  {
    subject: 'english',
    language: 'en',
    keywords: ['tense', 'past', 'present', 'future', 'tenses'],
    answer:
      'Tenses tell when something happens: present ("I study"), past ("I studied"), future ("I will study"). Regular verbs add -ed for the past; irregular ones change (go → went, eat → ate).',
  },
  {
    subject: 'filipino',
    language: 'fil',
    keywords: ['pangngalan', 'pandiwa', 'pang-uri', 'bahagi', 'pananalita', 'gramatika'],
    answer:
      'Mga bahagi ng pananalita: ang pangngalan ay ngalan ng tao, bagay, lugar o pangyayari (bata, paaralan); ang pandiwa ay salitang kilos (tumakbo, kumain); ang pang-uri ay naglalarawan (matangkad, maganda).',
  },
  {
    subject: 'filipino',
    language: 'fil',
    keywords: ['salawikain', 'kasabihan', 'kahulugan'],
    answer:
      'Ang salawikain ay maikling kasabihan na may aral. Halimbawa: "Ang hindi marunong lumingon sa pinanggalingan ay hindi makararating sa paroroonan" — pahalagahan ang pinagmulan mo.',
  },
  {
    subject: 'history',
    language: 'en',
    keywords: ['rizal', 'jose', 'noli', 'hero', 'national'],
    answer:
      'José Rizal (1861–1896) is a national hero of the Philippines. His novels Noli Me Tángere (1887) and El Filibusterismo (1891) exposed abuses under Spanish rule; he was executed in Bagumbayan (now Luneta) on 30 December 1896.',
  },
  {
    subject: 'history',
    language: 'fil',
    keywords: ['rizal', 'jose', 'bayani', 'noli', 'pambansang'],
    answer:
      'Si José Rizal (1861–1896) ay pambansang bayani ng Pilipinas. Inilantad ng kanyang mga nobelang Noli Me Tángere at El Filibusterismo ang pang-aabuso noong panahon ng Espanyol. Binaril siya sa Bagumbayan noong 30 Disyembre 1896.',
  },
  {
    subject: 'history',
    language: 'en',
    keywords: ['independence', 'june', '1898', 'aguinaldo', 'kawit'],
    answer:
      'Philippine independence from Spain was proclaimed by Emilio Aguinaldo in Kawit, Cavite on 12 June 1898. The United States recognised independence on 4 July 1946.',
  },
  {
    subject: 'general',
    language: 'en',
    keywords: ['study', 'tips', 'exam', 'focus', 'review'],
    answer:
      'Study tips: study in short blocks (25 minutes, then a 5-minute break), test yourself instead of rereading, explain the topic in your own words, and sleep well before an exam.',
  },
];

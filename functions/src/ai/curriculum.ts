/**
 * The offline tutor's curriculum: short lessons written for this project, each in English and in
 * Filipino, found by the words a student uses in either language (and the Taglish students write),
 * and given in the language the student wrote in. Written in Markdown with TeX math, as a model
 * answers, so the app shows both the same way. Small on purpose: it answers the common questions
 * when no AI provider is configured or reachable, and says so.
 */
export type Subject = 'math' | 'science' | 'english' | 'filipino' | 'history' | 'general';
export type Language = 'en' | 'fil';

export interface Lesson {
  subject: Subject;
  /** Lower-case words that find it, English and Filipino together. */
  keywords: string[];
  /** The lesson in each language: Markdown, math between `$…$` or `$$…$$`. */
  answer: Record<Language, string>;
}

export const SUBJECTS: readonly Subject[] = ['math', 'science', 'english', 'filipino', 'history', 'general'];

export const CURRICULUM: readonly Lesson[] = [
  {
    subject: 'math',
    keywords: [
      'fraction',
      'fractions',
      'add',
      'adding',
      'denominator',
      'numerator',
      'praksiyon',
      'pagdaragdag',
      'idagdag',
      'denominador',
      'numerador',
      'mag-add',
    ],
    answer: {
      en: 'To add fractions, give them the same denominator first.\n\n1. Find a common denominator: for $\\frac{1}{2} + \\frac{1}{3}$, use 6.\n2. Rewrite each fraction: $\\frac{1}{2} = \\frac{3}{6}$ and $\\frac{1}{3} = \\frac{2}{6}$.\n3. Add only the numerators: $\\frac{3}{6} + \\frac{2}{6} = \\frac{5}{6}$.',
      fil: 'Para magdagdag ng praksiyon, gawing pareho muna ang denominador.\n\n1. Humanap ng iisang denominador: sa $\\frac{1}{2} + \\frac{1}{3}$, gamitin ang 6.\n2. Isulat muli ang bawat praksiyon: $\\frac{1}{2} = \\frac{3}{6}$ at $\\frac{1}{3} = \\frac{2}{6}$.\n3. Idagdag lang ang mga numerador: $\\frac{3}{6} + \\frac{2}{6} = \\frac{5}{6}$.',
    },
  },
  {
    subject: 'math',
    keywords: [
      'equation',
      'equations',
      'solve',
      'x',
      'linear',
      'variable',
      'algebra',
      'ekwasyon',
      'lutasin',
      'baryabol',
      'alhebra',
    ],
    answer: {
      en: 'To solve a linear equation, do the same thing to both sides until $x$ stands alone.\n\n$$2x + 3 = 11$$\n\n1. Subtract 3 from both sides: $2x = 8$.\n2. Divide both sides by 2: $x = 4$.\n3. Check by putting 4 back: $2 \\cdot 4 + 3 = 11$.',
      fil: 'Para lutasin ang linear na ekwasyon, gawin ang parehong hakbang sa magkabilang panig hanggang $x$ na lang ang matira.\n\n$$2x + 3 = 11$$\n\n1. Ibawas ang 3 sa magkabilang panig: $2x = 8$.\n2. Hatiin sa 2 ang magkabilang panig: $x = 4$.\n3. Suriin sa pagbalik ng 4: $2 \\cdot 4 + 3 = 11$.',
    },
  },
  {
    subject: 'math',
    keywords: [
      'percent',
      'percentage',
      'discount',
      'sale',
      'porsiyento',
      'porsyento',
      'diskuwento',
      'diskwento',
      'tawad',
    ],
    answer: {
      en: 'A percent means **out of 100**. To find 20% of ₱350:\n\n$$350 \\times 0.20 = 70$$\n\nSo a 20% discount saves ₱70, and since $350 - 70 = 280$, you pay ₱280.',
      fil: 'Ang porsiyento ay **bahagi ng 100**. Para makuha ang 20% ng ₱350:\n\n$$350 \\times 0.20 = 70$$\n\nKaya ₱70 ang tipid sa 20% na diskuwento, at dahil $350 - 70 = 280$, ₱280 ang babayaran mo.',
    },
  },
  {
    subject: 'science',
    keywords: [
      'photosynthesis',
      'plants',
      'plant',
      'chlorophyll',
      'sunlight',
      'leaves',
      'potosintesis',
      'halaman',
      'dahon',
      'liwanag',
    ],
    answer: {
      en: 'Photosynthesis is how plants make their food. In the leaves, **chlorophyll** uses sunlight to turn carbon dioxide and water into glucose (a sugar), giving off oxygen:\n\n$$6\\,\\text{CO}_2 + 6\\,\\text{H}_2\\text{O} \\rightarrow \\text{C}_6\\text{H}_{12}\\text{O}_6 + 6\\,\\text{O}_2$$',
      fil: 'Ang potosintesis ay ang paraan ng halaman sa paggawa ng pagkain. Sa dahon, ginagamit ng **chlorophyll** ang liwanag ng araw para gawing glucose (isang asukal) ang carbon dioxide at tubig, at naglalabas ito ng oxygen:\n\n$$6\\,\\text{CO}_2 + 6\\,\\text{H}_2\\text{O} \\rightarrow \\text{C}_6\\text{H}_{12}\\text{O}_6 + 6\\,\\text{O}_2$$',
    },
  },
  {
    subject: 'science',
    keywords: ['typhoon', 'typhoons', 'storm', 'weather', 'pagasa', 'signal', 'bagyo', 'unos', 'panahon'],
    answer: {
      en: 'A typhoon is a strong tropical cyclone that forms over warm ocean water.\n\n- Warm, moist air rises, cools and forms clouds.\n- The heat released as the clouds form powers the storm.\n- PAGASA raises **wind signals 1 to 5** as the winds get stronger.',
      fil: 'Ang bagyo ay malakas na tropical cyclone na nabubuo sa mainit na dagat.\n\n- Umaakyat ang mainit at basang hangin, lumalamig, at nagiging ulap.\n- Ang init na lumalabas habang nabubuo ang ulap ang nagpapalakas sa bagyo.\n- Nagtataas ang PAGASA ng **wind signal 1 hanggang 5** habang lumalakas ang hangin.',
    },
  },
  {
    subject: 'english',
    keywords: ['noun', 'nouns', 'verb', 'verbs', 'adjective', 'adjectives', 'parts', 'speech', 'grammar'],
    answer: {
      en: 'Parts of speech:\n\n- A **noun** names a person, place or thing (*Maria*, *school*).\n- A **verb** shows action or being (*runs*, *is*).\n- An **adjective** describes a noun (*tall*, *blue*).\n\nIn “The tall girl runs”, *girl* is the noun, *runs* the verb and *tall* the adjective.',
      fil: 'Mga bahagi ng pananalita sa English:\n\n- Ang **noun** ay ngalan ng tao, lugar o bagay (*Maria*, *school*).\n- Ang **verb** ay kilos o pagiging (*runs*, *is*).\n- Ang **adjective** ay naglalarawan ng noun (*tall*, *blue*).\n\nSa “The tall girl runs”, *girl* ang noun, *runs* ang verb at *tall* ang adjective.',
    },
  },
  {
    subject: 'english',
    keywords: ['tense', 'tenses', 'past', 'present', 'future', 'panahunan'],
    answer: {
      en: 'Tenses tell **when** something happens:\n\n| Tense | Example |\n|---|---|\n| Present | I study |\n| Past | I studied |\n| Future | I will study |\n\nRegular verbs add *-ed* for the past; irregular ones change (*go → went*, *eat → ate*).',
      fil: 'Sinasabi ng tense **kung kailan** nangyayari ang kilos:\n\n| Tense | Halimbawa |\n|---|---|\n| Present | I study |\n| Past | I studied |\n| Future | I will study |\n\nDinadagdagan ng *-ed* ang regular na verb para sa past; nagbabago ang irregular (*go → went*, *eat → ate*).',
    },
  },
  {
    subject: 'filipino',
    keywords: ['pangngalan', 'pandiwa', 'pang-uri', 'bahagi', 'pananalita', 'gramatika'],
    answer: {
      en: 'Filipino parts of speech:\n\n- **Pangngalan** (noun): names a person, thing, place or event (*bata*, *paaralan*).\n- **Pandiwa** (verb): an action word (*tumakbo*, *kumain*).\n- **Pang-uri** (adjective): describes (*matangkad*, *maganda*).',
      fil: 'Mga bahagi ng pananalita:\n\n- **Pangngalan**: ngalan ng tao, bagay, lugar o pangyayari (*bata*, *paaralan*).\n- **Pandiwa**: salitang kilos (*tumakbo*, *kumain*).\n- **Pang-uri**: naglalarawan (*matangkad*, *maganda*).',
    },
  },
  {
    subject: 'filipino',
    keywords: ['salawikain', 'kasabihan', 'kahulugan', 'proverb', 'proverbs', 'saying'],
    answer: {
      en: 'A **salawikain** is a short Filipino saying that teaches a lesson. For example:\n\n> Ang hindi marunong lumingon sa pinanggalingan ay hindi makararating sa paroroonan.\n\nIt means that one who does not look back to where they came from will not reach where they are going: value your roots.',
      fil: 'Ang **salawikain** ay maikling kasabihan na may aral. Halimbawa:\n\n> Ang hindi marunong lumingon sa pinanggalingan ay hindi makararating sa paroroonan.\n\nIbig sabihin: pahalagahan ang pinagmulan mo.',
    },
  },
  {
    subject: 'history',
    keywords: ['rizal', 'jose', 'noli', 'hero', 'national', 'bayani', 'pambansang'],
    answer: {
      en: '**José Rizal** (1861–1896) is a national hero of the Philippines.\n\n- His novels *Noli Me Tángere* (1887) and *El Filibusterismo* (1891) exposed abuses under Spanish rule.\n- He was executed in Bagumbayan (now Luneta) on **30 December 1896**.',
      fil: 'Si **José Rizal** (1861–1896) ay pambansang bayani ng Pilipinas.\n\n- Inilantad ng kanyang mga nobelang *Noli Me Tángere* (1887) at *El Filibusterismo* (1891) ang pang-aabuso noong panahon ng Espanyol.\n- Binaril siya sa Bagumbayan (Luneta ngayon) noong **30 Disyembre 1896**.',
    },
  },
  {
    subject: 'history',
    keywords: ['independence', 'june', '1898', 'aguinaldo', 'kawit', 'kalayaan', 'kasarinlan', 'hunyo'],
    answer: {
      en: 'Philippine independence from Spain was proclaimed by **Emilio Aguinaldo** in Kawit, Cavite on **12 June 1898**. The United States recognised independence on 4 July 1946.',
      fil: 'Ipinahayag ni **Emilio Aguinaldo** ang kalayaan ng Pilipinas mula sa Espanya sa Kawit, Cavite noong **12 Hunyo 1898**. Kinilala ng Estados Unidos ang kasarinlan noong 4 Hulyo 1946.',
    },
  },
  {
    subject: 'general',
    keywords: ['study', 'tips', 'exam', 'focus', 'review', 'mag-aral', 'pag-aaral', 'pagsusulit', 'rebyu'],
    answer: {
      en: 'Study tips:\n\n1. Study in short blocks: 25 minutes, then a 5-minute break.\n2. Test yourself instead of rereading.\n3. Explain the topic in your own words.\n4. Sleep well before an exam.',
      fil: 'Mga tip sa pag-aaral:\n\n1. Mag-aral nang paisa-isang 25 minuto, tapos 5 minutong pahinga.\n2. Subukin ang sarili sa halip na magbasa lang ulit.\n3. Ipaliwanag ang paksa sa sarili mong salita.\n4. Matulog nang maayos bago ang pagsusulit.',
    },
  },
];

import { describe, expect, it } from 'vitest';
import { CURRICULUM } from '../src/ai/curriculum';
import { detectLanguage, offlineAnswer } from '../src/ai/offline-tutor';
import { answerHtml } from '../src/api/answer-html';

describe('the offline tutor', () => {
  it('answers a Filipino (or Taglish) question with the Filipino lesson, an English one with the English lesson', () => {
    const cases = [
      ['Paano ba mag-add ng mga fractions?', 'math', /^\(Offline na tutor\) Para magdagdag ng praksiyon/],
      ['How do I add fractions?', 'math', /^\(Offline tutor\) To add fractions/],
      ['Ano ang ibig sabihin ng typhoon signal?', 'science', /^\(Offline na tutor\) Ang bagyo/],
      ['Sino si Rizal at bakit siya bayani?', 'history', /^\(Offline na tutor\) Si \*\*José Rizal\*\*/],
      ['What are the tenses in English?', 'english', /^\(Offline tutor\) Tenses tell/],
      ['Ano yung past tense ng go?', 'english', /^\(Offline na tutor\) Sinasabi ng tense/],
    ] as const;
    for (const [question, subject, expected] of cases)
      expect(offlineAnswer(question, subject).answer, question).toMatch(expected);
  });

  it('tells English from Filipino by the small words only Filipino uses, two of them at least', () => {
    expect(detectLanguage('What is the capital of the Philippines?')).toBe('en');
    expect(detectLanguage('Ano ang kabisera ng Pilipinas?')).toBe('fil');
    expect(detectLanguage('Paano i-solve yung equation?')).toBe('fil');
    expect(detectLanguage('Explain Rizal in Noli')).toBe('en');
  });

  it('has every lesson in both languages, found by its own words, and rendered as a lesson (math as MathML)', () => {
    for (const lesson of CURRICULUM) {
      for (const language of ['en', 'fil'] as const) {
        const text = lesson.answer[language];
        expect(text.length, `${lesson.keywords[0]} ${language}`).toBeGreaterThan(80);
        const html = answerHtml(text);
        expect(html).not.toContain('$'); // every formula rendered, none left as written
        if (text.includes('$')) expect(html).toContain('<math');
      }
      const found = offlineAnswer(lesson.keywords.slice(0, 2).join(' '), lesson.subject, 'en').lesson;
      expect(found, lesson.keywords[0]).toBe(lesson);
    }
  });
});

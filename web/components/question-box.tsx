'use client';
import { type RefObject, useEffect, useState } from 'react';
import { useLanguage } from './providers';

/** What the API takes (and the box holds): longer questions are refused there, so they are cut here, visibly. */
const QUESTION_MAX = 2000;
/** The count appears this close to the limit; before, it would be noise. */
const COUNT_FROM = QUESTION_MAX - 200;

/**
 * The question box: kept as it is typed (`onChange` saves it), cut visibly at the API's limit
 * (a paste that does not fit says how much was left out), Ctrl/⌘+Enter asks.
 */
export function QuestionBox({
  value,
  onChange,
  box,
}: {
  value: string;
  onChange: (text: string) => void;
  box: RefObject<HTMLTextAreaElement | null>;
}) {
  const { t } = useLanguage();
  /** Characters of the last paste that did not fit under QUESTION_MAX (0: it all fit). */
  const [cut, setCut] = useState(0);
  useEffect(() => {
    if (!value) setCut(0);
  }, [value]);
  return (
    <>
      <label htmlFor="question">{t.question}</label>
      <textarea
        ref={box}
        id="question"
        rows={3}
        maxLength={QUESTION_MAX}
        required
        value={value}
        aria-describedby="question-hint"
        onChange={(e) => {
          onChange(e.target.value);
          if (e.target.value.length < QUESTION_MAX) setCut(0);
        }}
        onPaste={(e) => {
          // The browser would drop what does not fit without a word: keep what fits, and say so.
          const area = e.currentTarget;
          const pasted = e.clipboardData.getData('text/plain');
          const kept = area.value.length - (area.selectionEnd - area.selectionStart);
          const over = kept + pasted.length - QUESTION_MAX;
          if (over <= 0) return setCut(0);
          e.preventDefault();
          onChange(
            `${area.value.slice(0, area.selectionStart)}${pasted.slice(0, pasted.length - over)}${area.value.slice(area.selectionEnd)}`,
          );
          setCut(over);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }
        }}
      />
      <p id="question-hint" className="hint">
        {t.questionHint}
      </p>
      {(value.length >= COUNT_FROM || cut > 0) && (
        <p className="hint" role="status" data-testid="question-length">
          {t.questionLength(
            value.length.toLocaleString('en'),
            QUESTION_MAX.toLocaleString('en'),
            cut ? cut.toLocaleString('en') : undefined,
          )}
        </p>
      )}
    </>
  );
}

'use client';
import { useState } from 'react';
import type { StoredQuestion } from '../lib/learning';
import { useLanguage } from './providers';

/** Puts text on the clipboard; where the Clipboard API is missing (plain http on a LAN), the old way. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const box = document.createElement('textarea');
    box.value = text;
    box.setAttribute('readonly', '');
    box.style.position = 'fixed';
    box.style.opacity = '0';
    document.body.append(box);
    box.select();
    const done = document.execCommand('copy');
    box.remove();
    return done;
  }
}

/**
 * A tutor's answer: the lesson the API rendered (Markdown and MathML, made safe there:
 * functions/src/api/answer-html.ts), or the plain text of an answer kept on this phone before
 * answers carried it; and a button that copies the answer's text (for notes, or a classmate).
 */
export function Answer({
  q,
  who,
}: {
  q: Pick<StoredQuestion, 'answer'> & { answer_html?: string };
  who?: string;
}) {
  const { t } = useLanguage();
  const [copied, setCopied] = useState(false);
  const label = who ? <span className="sr-only">{who}: </span> : null;
  const copy = (
    <p className="copy">
      <button
        type="button"
        className="secondary"
        onClick={async () => {
          if (!(await copyText(q.answer))) return;
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        }}
      >
        {t.copy}
      </button>
      <span role="status">{copied ? t.copied : ''}</span>
    </p>
  );
  if (!q.answer_html)
    return (
      <>
        <p className="a">
          {label}
          {q.answer}
        </p>
        {copy}
      </>
    );
  return (
    <>
      <div className="a lesson">
        {label}
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the API's renderer escapes raw HTML, allows http(s)/mailto links only and MathML without \href */}
        <div dangerouslySetInnerHTML={{ __html: q.answer_html }} />
      </div>
      {copy}
    </>
  );
}

import type { StoredQuestion } from '../lib/learning';

/**
 * A tutor's answer: the lesson the API rendered (Markdown and MathML, made safe there:
 * functions/src/api/answer-html.ts), or the plain text of an answer kept on this phone before
 * answers carried it.
 */
export function Answer({
  q,
  who,
}: {
  q: Pick<StoredQuestion, 'answer'> & { answer_html?: string };
  who?: string;
}) {
  const label = who ? <span className="sr-only">{who}: </span> : null;
  if (!q.answer_html)
    return (
      <p className="a">
        {label}
        {q.answer}
      </p>
    );
  return (
    <div className="a lesson">
      {label}
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: the API's renderer escapes raw HTML, allows http(s)/mailto links only and MathML without \href */}
      <div dangerouslySetInnerHTML={{ __html: q.answer_html }} />
    </div>
  );
}

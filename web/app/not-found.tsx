import { NextStep } from '../components/next-step';
import { MESSAGES } from '../lib/i18n';
import { FRONT_MESSAGES } from '../lib/i18n-front';
import { requestLanguage } from '../lib/request-language';

/** A page that does not exist, said in the student's language, with the way back to asking. */
export default async function NotFound() {
  const language = await requestLanguage();
  const t = MESSAGES[language];
  const f = FRONT_MESSAGES[language];
  return (
    <>
      <title>{`${f.notFound} · ${t.appName}`}</title>
      <h1>{f.notFound}</h1>
      <NextStep href="/ask">{f.notFoundBack}</NextStep>
    </>
  );
}

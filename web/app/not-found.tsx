import Link from 'next/link';
import { MESSAGES } from '../lib/i18n';
import { requestLanguage } from '../lib/request-language';

/** A page that does not exist, said in the student's language, with the way back to asking. */
export default async function NotFound() {
  const t = MESSAGES[await requestLanguage()];
  return (
    <>
      <title>{`${t.notFound} · ${t.appName}`}</title>
      <h1>{t.notFound}</h1>
      <p className="actions">
        <Link prefetch={false} className="primary" href="/ask">
          {t.notFoundBack}
        </Link>
      </p>
    </>
  );
}

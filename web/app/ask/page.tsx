import Link from 'next/link';
import { AskPage } from '../../components/ask-page';
import { FORM_PATH } from '../../lib/auth-handoff';
import { FORM_MESSAGES } from '../../lib/i18n-form';
import { requestLanguage } from '../../lib/request-language';

/** /ask; without JavaScript, the way to ask by form (app/ask/form), in words no script ships. */
export default async function Ask() {
  const f = FORM_MESSAGES[await requestLanguage()];
  return (
    <AskPage
      withoutScript={
        <noscript>
          <p className="notice">
            <Link prefetch={false} href={FORM_PATH}>
              {f.withoutScript}
            </Link>
          </p>
        </noscript>
      }
    />
  );
}

import { cookies, headers } from 'next/headers';
import { LANGUAGE_COOKIE, languageOf } from './i18n';

/** On the server: the student's language, as the first bytes should speak it (the `bb.lang` cookie, else Accept-Language). */
export async function requestLanguage() {
  return languageOf((await cookies()).get(LANGUAGE_COOKIE)?.value, (await headers()).get('accept-language'));
}

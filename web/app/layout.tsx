import type { Metadata, Viewport } from 'next';
import { cookies, headers } from 'next/headers';
import type { ReactNode } from 'react';
import { Nav } from '../components/nav';
import { Providers } from '../components/providers';
import { LANGUAGE_COOKIE, languageOf } from '../lib/i18n';
import './globals.css';

export const metadata: Metadata = {
  // Each page renders its own <title> in the student's language.
  description: 'Ask the tutor by subject, in English or Filipino — even on slow or patchy data.',
  // No icon file: a favicon request (or its 404) is data a prepaid plan pays for on every visit.
  icons: { icon: 'data:,' },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1d4ed8' };

/**
 * Rendered per request in the student's language (the `bb.lang` cookie, else Accept-Language):
 * on slow data the first bytes are already in Filipino, `lang` included, not English for seconds.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const language = languageOf(
    (await cookies()).get(LANGUAGE_COOKIE)?.value,
    (await headers()).get('accept-language'),
  );
  return (
    <html lang={language}>
      <body>
        <Providers language={language}>
          <Nav />
          <main id="main">{children}</main>
        </Providers>
      </body>
    </html>
  );
}

import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { DataSaverToggle } from '../components/data-saver-toggle';
import { Nav } from '../components/nav';
import { Providers } from '../components/providers';
import { FRONT_MESSAGES } from '../lib/i18n-front';
import { requestLanguage } from '../lib/request-language';
import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  return {
    // Each page renders its own <title> in the student's language; the description follows it too.
    description: FRONT_MESSAGES[await requestLanguage()].description,
    // No icon file: a favicon request (or its 404) is data a prepaid plan pays for on every visit.
    icons: { icon: 'data:,' },
  };
}

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1d4ed8' };

/**
 * Rendered per request in the student's language (the `bb.lang` cookie, else Accept-Language):
 * on slow data the first bytes are already in Filipino, `lang` included, not English for seconds.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const language = await requestLanguage();
  return (
    <html lang={language}>
      <body>
        <Providers language={language}>
          <Nav />
          <main id="main">{children}</main>
          <DataSaverToggle />
        </Providers>
      </body>
    </html>
  );
}

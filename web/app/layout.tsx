import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { DataSaverToggle } from '../components/data-saver-toggle';
import { Nav } from '../components/nav';
import { Providers } from '../components/providers';
import { BUILD_STAMP } from '../lib/build-settings';
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

/**
 * Runs before the page paints, long before the app's script on a slow link (6 s on Slow 3G): marks
 * a phone with a login (or with questions waiting on a login that ended) so the page shows the
 * student's controls or the visitor's way in from its first paint, not after the script
 * (`.student-only` / `.visitor-only` in globals.css). Without JavaScript, the visitor's.
 */
const LOGIN_MARK = `try{var s=localStorage,i=s.getItem("bb.student"),q=i&&s.getItem("bb.queue.v1."+i);if(s.getItem("bb.token")||(q&&q!=="[]"))document.documentElement.dataset.student=""}catch(e){}`;

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1d4ed8' };

/**
 * Rendered per request in the student's language (the `bb.lang` cookie, else Accept-Language):
 * on slow data the first bytes are already in Filipino, `lang` included, not English for seconds.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const language = await requestLanguage();
  return (
    // The head's script marks <html> before React hydrates it.
    <html lang={language} suppressHydrationWarning>
      <head>
        {/* The build that rendered the page: the service worker keeps a page it already has only when it is its own build's (worker/sw.js). */}
        <meta name="bb-build" content={BUILD_STAMP} />
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant of this file, no input */}
        <script dangerouslySetInnerHTML={{ __html: LOGIN_MARK }} />
      </head>
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

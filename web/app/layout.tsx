import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Nav } from '../components/nav';
import { Providers } from '../components/providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'BrainBytes — your AI tutor',
  description: 'Ask the tutor by subject, in English or Filipino — even on slow or patchy data.',
  // No icon file: a favicon request (or its 404) is data a prepaid plan pays for on every visit.
  icons: { icon: 'data:,' },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1d4ed8' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <Providers>
          <Nav />
          <main id="main">{children}</main>
        </Providers>
      </body>
    </html>
  );
}

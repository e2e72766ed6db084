import Link from 'next/link';
import type { ReactNode } from 'react';

/**
 * The one thing to do next, as a primary button-link (log in, back to asking, the first question),
 * and any other way beside it. No client state: server and client pages alike use it.
 */
export function NextStep({ href, children, also }: { href: string; children: ReactNode; also?: ReactNode }) {
  return (
    <p className="actions">
      <Link prefetch={false} className="primary" href={href}>
        {children}
      </Link>
      {also}
    </p>
  );
}

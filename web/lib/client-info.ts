import type { ClientType, Connection } from './rum';

const CONNECTIONS: readonly Connection[] = ['4g', '3g', '2g', 'slow-2g'];

interface NavigatorExtras {
  userAgentData?: { mobile?: boolean };
  connection?: { effectiveType?: string };
}

/** Phone or computer, as the API's `client_type` label reads the User-Agent. */
export function clientType(
  nav: (Navigator & NavigatorExtras) | undefined = globalThis.navigator,
): ClientType {
  if (!nav) return 'unknown';
  if (typeof nav.userAgentData?.mobile === 'boolean') return nav.userAgentData.mobile ? 'mobile' : 'desktop';
  return /Mobi|Android|iPhone|iPad|iPod/i.test(nav.userAgent) ? 'mobile' : 'desktop';
}

/** The Network Information API's effective type; `unknown` where the browser has none (Safari, Firefox). */
export function connection(
  nav: (Navigator & NavigatorExtras) | undefined = globalThis.navigator,
): Connection {
  const type = nav?.connection?.effectiveType as Connection | undefined;
  return type && CONNECTIONS.includes(type) ? type : 'unknown';
}

/** `synthetic`: the synthetic student (its account says so, not its user agent). */
export type ClientType = 'mobile' | 'desktop' | 'unknown' | 'synthetic';

// Phones and tablets by their user-agent markers; anything else that says who it is counts as desktop.
const MOBILE = /Mobi|Android|iPhone|iPad|iPod|Opera Mini|IEMobile|Windows Phone|KaiOS/i;

export function clientTypeOf(userAgent: string | undefined): ClientType {
  if (!userAgent) return 'unknown';
  return MOBILE.test(userAgent) ? 'mobile' : 'desktop';
}

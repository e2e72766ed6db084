import type { MetadataRoute } from 'next';
import { ICON_SIZES } from '../lib/icons';

/**
 * The web app manifest: Android offers "Add to home screen", and the installed app opens on /ask,
 * full screen, in the app's blue. The icons are rendered from public/icon.svg (scripts/icons.ts);
 * the browser fetches them only when it considers installing, never on a page view.
 */
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: '/ask',
    name: 'BrainBytes',
    short_name: 'BrainBytes',
    start_url: '/ask',
    scope: '/',
    display: 'standalone',
    orientation: 'portrait',
    background_color: '#ffffff',
    theme_color: '#1d4ed8',
    icons: ICON_SIZES.flatMap((size) =>
      (['any', 'maskable'] as const).map((purpose) => ({
        src: `/icon-${size}.png`,
        sizes: `${size}x${size}`,
        type: 'image/png',
        purpose,
      })),
    ),
  };
}

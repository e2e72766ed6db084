/** The PNG sizes of the app's icon (public/icon-<size>.png), rendered from public/icon.svg by scripts/icons.ts. */
export const ICON_SIZES = [192, 512] as const;

import { KEYS, storage } from './storage';

interface NavigatorExtras {
  connection?: { saveData?: boolean };
}

/**
 * Data saver: the student's own choice on this phone, else the browser's (Chrome's data saver
 * sets `navigator.connection.saveData` and sends `Save-Data: on`). When on, the tutor is asked for
 * shorter answers, the app reports nothing of its use but errors, and the service worker keeps
 * only the pages visited instead of fetching every page ahead.
 */
export function dataSaver(nav: (Navigator & NavigatorExtras) | undefined = globalThis.navigator): boolean {
  const chosen = storage.getItem(KEYS.dataSaver);
  if (chosen === 'on' || chosen === 'off') return chosen === 'on';
  return nav?.connection?.saveData === true;
}

export function chooseDataSaver(on: boolean) {
  storage.setItem(KEYS.dataSaver, on ? 'on' : 'off');
}

import type { SavedSettings, SettingsStorage } from '../state/saved-settings.js';

/**
 * Settings kept in localStorage. Best effort by nature: a browser with storage disabled or full
 * still runs the panel, it only forgets settings between visits, so failures here are ignored.
 */
export function localSettingsStorage(key: string): SettingsStorage {
  return {
    load(): unknown {
      try {
        const text = localStorage.getItem(key);
        return text === null ? null : (JSON.parse(text) as unknown);
      } catch {
        return null; // missing, blocked or corrupt: start from the defaults
      }
    },
    save(value: SavedSettings): void {
      try {
        localStorage.setItem(key, JSON.stringify(value));
      } catch {
        // quota or privacy mode: keep working without persistence
      }
    },
  };
}

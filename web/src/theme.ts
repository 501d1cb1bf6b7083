/** Light, dark, or the system's choice; only this preference is kept across visits (localStorage). */

export type Theme = 'system' | 'light' | 'dark';
const STORAGE = 'switchboard.theme';

export function savedTheme(): Theme {
  const value = localStorage.getItem(STORAGE);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') {
    localStorage.removeItem(STORAGE);
    delete document.documentElement.dataset.theme;
  } else {
    localStorage.setItem(STORAGE, theme);
    document.documentElement.dataset.theme = theme;
  }
}

export function nextTheme(theme: Theme): Theme {
  return theme === 'system' ? 'dark' : theme === 'dark' ? 'light' : 'system';
}

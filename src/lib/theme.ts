/** The two colour themes the book has. */
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'theme';

/**
 * The theme in force: the one the reader chose (stored on `<html data-theme>`
 * by the head script), else the system preference.
 */
export function currentTheme(root: HTMLElement = document.documentElement): Theme {
  const chosen = root.dataset.theme;
  if (chosen === 'light' || chosen === 'dark') return chosen;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/**
 * Makes `button` switch between light and dark, remember the choice in
 * localStorage, and keep its accessible name saying what a press will do.
 */
export function bindThemeToggle(button: HTMLButtonElement): void {
  const root = document.documentElement;
  const label = () => {
    const next = currentTheme(root) === 'dark' ? 'light' : 'dark';
    button.setAttribute('aria-label', `Switch to ${next} theme`);
  };
  label();
  button.addEventListener('click', () => {
    const next: Theme = currentTheme(root) === 'dark' ? 'light' : 'dark';
    root.dataset.theme = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Without storage the choice lasts for this page only; that is fine.
    }
    label();
  });
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', label);
}

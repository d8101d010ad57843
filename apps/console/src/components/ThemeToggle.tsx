import { useEffect } from 'react';
import { useStored } from '../desk/useStored';

const THEMES = ['system', 'light', 'dark'] as const;
type Theme = (typeof THEMES)[number];
const KEY = 'gatehouse.theme';

/**
 * Sets the root's color-scheme, which picks a side of every light-dark()
 * token in styles.css: the system's preference, or the operator's choice.
 * data-theme names the choice for styles keyed on it.
 */
const applyTheme = (theme: Theme) => {
  const root = document.documentElement;
  if (theme === 'system') {
    root.style.removeProperty('color-scheme');
    delete root.dataset.theme;
  } else {
    root.style.colorScheme = theme;
    root.dataset.theme = theme;
  }
};

/** The choice remembered on this browser, applied when the console starts (on every page, not only the desk). */
export const applyStoredTheme = () => {
  const kept = localStorage.getItem(KEY);
  applyTheme(THEMES.includes(kept as Theme) ? (kept as Theme) : 'system');
};

/** Light, dark or as the system says (the night shift's choice), remembered on this browser. */
export const ThemeToggle = () => {
  const [theme, setTheme] = useStored(KEY, 'system', THEMES);
  useEffect(() => applyTheme(theme), [theme]);
  return (
    <label className="theme-toggle">
      Theme
      <select value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
        <option value="system">As the system</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
};

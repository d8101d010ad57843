import { useEffect } from 'react';
import { useStored } from '../desk/useStored';

const THEMES = ['system', 'light', 'dark'] as const;

/** Light, dark or as the system says (the night shift's choice), remembered on this browser; styles.css holds the colours. */
export const ThemeToggle = () => {
  const [theme, setTheme] = useStored('gatehouse.theme', 'system', THEMES);
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <label className="theme-toggle">
      Theme
      <select value={theme} onChange={(e) => setTheme(e.target.value as (typeof THEMES)[number])}>
        <option value="system">As the system</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
};

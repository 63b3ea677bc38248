// Light / dark / follow the system.
import { type ThemeChoice, useTheme } from "../hooks/useTheme.ts";

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: "light", light: "dark", dark: "system" };
const LABEL: Record<ThemeChoice, string> = { system: "◐ Auto", light: "☀ Light", dark: "☾ Dark" };

export function ThemeToggle() {
  const [choice, setChoice] = useTheme();
  return (
    <button
      type="button"
      className="ghost"
      onClick={() => setChoice(NEXT[choice])}
      title="Theme: follow the system, light or dark"
      aria-label={`Theme: ${choice}`}
    >
      {LABEL[choice]}
    </button>
  );
}

// Asks for a read token when the API answers 401; the token is kept for this tab only.
import { type FormEvent, useState, useSyncExternalStore } from "react";
import { onTokenChange, saveToken, tokenNeeded } from "../../api/token.ts";

export function TokenPrompt() {
  const needed = useSyncExternalStore(onTokenChange, tokenNeeded);
  const [value, setValue] = useState("");
  if (!needed) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) saveToken(value.trim());
  };
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="token-title">
      <form className="dialog" onSubmit={submit}>
        <h2 id="token-title">This server needs a read token</h2>
        <p className="muted">
          Paste a token from <code>READ_TOKENS</code>. It stays in this tab only (sessionStorage) and is
          forgotten when the tab closes.
        </p>
        <input
          type="password"
          autoComplete="off"
          placeholder="Read token"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-label="Read token"
        />
        <div className="dialog-actions">
          <button type="submit" className="primary">
            Connect
          </button>
        </div>
      </form>
    </div>
  );
}

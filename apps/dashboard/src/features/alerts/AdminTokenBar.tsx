// Admin changes need the admin token (ADMIN_TOKENS); this bar keeps it and says plainly what the
// server's answers revealed: no admin tokens at all, a token needed, or the token refused.
import { useState, useSyncExternalStore } from "react";
import { adminAccess, adminToken, onAdminChange, saveAdminToken } from "../../api/admin-token.ts";

export function AdminTokenBar() {
  const access = useSyncExternalStore(onAdminChange, adminAccess);
  const saved = useSyncExternalStore(onAdminChange, adminToken);
  const [draft, setDraft] = useState("");
  const [remember, setRemember] = useState(false);
  return (
    <div className="alerts-section" data-testid="admin-token">
      {access === "open" && (
        <p className="notice bad" data-testid="admin-open">
          This server has no admin token configured (ADMIN_TOKENS is empty): anyone who can reach it can
          change alerts. Set ADMIN_TOKENS to protect these settings.
        </p>
      )}
      {access === "required" && (
        <p className="notice">Changes need the admin token (one of the server's ADMIN_TOKENS).</p>
      )}
      {access === "rejected" && <p className="notice bad">The server refused this admin token.</p>}
      {saved ? (
        <p className="small">
          Admin token saved.{" "}
          <button type="button" className="link-button" onClick={() => saveAdminToken(null, false)}>
            Forget it
          </button>
        </p>
      ) : (
        <form
          className="form-row"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft.trim()) saveAdminToken(draft.trim(), remember);
            setDraft("");
          }}
        >
          <label>
            Admin token
            <input
              type="password"
              autoComplete="off"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder={access === "open" ? "not needed by this server" : "ADMIN_TOKENS value"}
            />
          </label>
          <label className="nowrap">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />{" "}
            remember on this device
          </label>
          <button type="submit" className="ghost">
            Use token
          </button>
        </form>
      )}
    </div>
  );
}

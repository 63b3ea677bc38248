import { describe, expect, it } from "vitest";
import { adminAccess, noteAdminAnswer, onAdminChange } from "./admin-token.ts";

describe("admin access", () => {
  it("is learnt from the server's answers to changes", () => {
    const seen: string[] = [];
    const stop = onAdminChange(() => seen.push(adminAccess()));
    noteAdminAnswer(201, false); // accepted without a token: the server has no ADMIN_TOKENS
    expect(adminAccess()).toBe("open");
    noteAdminAnswer(401, false);
    expect(adminAccess()).toBe("required");
    noteAdminAnswer(403, true);
    expect(adminAccess()).toBe("rejected");
    noteAdminAnswer(400, true); // a bad field says nothing about the token
    expect(adminAccess()).toBe("rejected");
    stop();
    expect(seen).toEqual(["open", "required", "rejected"]);
  });
});

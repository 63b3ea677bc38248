import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";

describe("backoffDelay", () => {
  it("starts at 3 s and grows by 1.5 up to 13.5 s", () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(backoffDelay)).toEqual([3000, 4500, 6750, 10125, 13500, 13500, 13500]);
  });
});

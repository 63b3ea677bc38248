// /api/v1/silences: maintenance windows for notifications (SPEC 14).
import type { App } from "../../app-types.ts";
import { registerCreateSilence } from "./create.ts";
import { registerDeleteSilence } from "./delete.ts";
import { registerListSilences } from "./list.ts";

export function registerSilenceRoutes(app: App): void {
  registerListSilences(app);
  registerCreateSilence(app);
  registerDeleteSilence(app);
}

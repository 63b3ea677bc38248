// /api/v1/channels: where notifications go (SPEC 14).
import type { App } from "../../app-types.ts";
import { registerCreateChannel } from "./create.ts";
import { registerDeleteChannel } from "./delete.ts";
import { registerListChannels } from "./list.ts";
import { registerTestChannel } from "./test.ts";
import { registerUpdateChannel } from "./update.ts";

export function registerChannelRoutes(app: App): void {
  registerListChannels(app);
  registerCreateChannel(app);
  registerUpdateChannel(app);
  registerDeleteChannel(app);
  registerTestChannel(app);
}

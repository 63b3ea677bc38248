// The channel shapes as OpenAPI components (the protocol package owns the schemas themselves).
import { ChannelInput, ChannelPatch, ChannelSchema, ChannelTestResult } from "@scrapewatch/protocol";
import { z } from "zod";

export const ChannelBody = ChannelInput.meta({ id: "ChannelInput" });
export const ChannelChanges = ChannelPatch.meta({ id: "ChannelPatch" });
export const Channel = ChannelSchema.meta({ id: "Channel" });
export const ChannelTest = ChannelTestResult.meta({ id: "ChannelTestResult" });
export const ChannelList = z.object({ items: z.array(Channel) }).meta({ id: "ChannelList" });

export const ChannelNameParams = z.object({
  name: z
    .string()
    .min(1)
    .max(50)
    .meta({ param: { name: "name", in: "path" }, example: "ops-webhook" }),
});

// The silence shapes as OpenAPI components (the protocol package owns the schemas themselves).
import { SilenceInput, SilenceSchema } from "@scrapewatch/protocol";
import { z } from "zod";

export const SilenceBody = SilenceInput.meta({ id: "SilenceInput" });
export const Silence = SilenceSchema.meta({ id: "Silence" });
export const SilenceList = z.object({ items: z.array(Silence) }).meta({ id: "SilenceList" });

export const SilenceIdParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .meta({ param: { name: "id", in: "path" }, example: "01JD3Z7F1Q0000000000000001" }),
});

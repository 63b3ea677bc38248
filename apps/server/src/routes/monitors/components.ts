// The monitors' reusable OpenAPI components (components/schemas/Monitor, Incident, ...): named
// here, once, from the protocol's schemas.
import {
  IncidentEventSchema,
  IncidentSchema,
  MonitorSchema,
  MonitorSettingsPatch as MonitorSettingsPatchSchema,
} from "@scrapewatch/protocol";

export const Monitor = MonitorSchema.meta({ id: "Monitor" });
export const Incident = IncidentSchema.meta({ id: "Incident" });
export const IncidentEvent = IncidentEventSchema.meta({ id: "IncidentEvent" });
export const MonitorSettingsPatch = MonitorSettingsPatchSchema.meta({ id: "MonitorSettingsPatch" });

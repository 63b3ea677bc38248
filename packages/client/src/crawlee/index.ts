// Entry of @scrapewatch/client/crawlee: Crawlee instrumentation (crawlee is an optional peer).
export type { InstrumentableCrawler } from "./crawler-shape.ts";
export type { InstrumentCrawlerOptions } from "./instrument-crawler.ts";
export { instrumentCrawler } from "./instrument-crawler.ts";

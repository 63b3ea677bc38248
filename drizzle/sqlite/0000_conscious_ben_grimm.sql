CREATE TABLE `aggregation_runs` (
	`date` text PRIMARY KEY NOT NULL,
	`summarized_at` integer NOT NULL,
	`raw_rows` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `anomalies` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`metric` text NOT NULL,
	`value` real NOT NULL,
	`baseline` real NOT NULL,
	`deviation_score` real NOT NULL,
	`direction` text NOT NULL,
	`detected_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `anomalies_source_time_idx` ON `anomalies` (`source`,`detected_at`);--> statement-breakpoint
CREATE INDEX `anomalies_time_idx` ON `anomalies` (`detected_at`);--> statement-breakpoint
CREATE TABLE `scheduler_daily_summary` (
	`source` text NOT NULL,
	`date` text NOT NULL,
	`total_runs` integer NOT NULL,
	`successful_runs` integer NOT NULL,
	`avg_duration_ms` real,
	`min_duration_ms` integer,
	`max_duration_ms` integer,
	`p50_duration_ms` real,
	`p95_duration_ms` real,
	`p99_duration_ms` real,
	`total_items` integer NOT NULL,
	`avg_items` real,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`source`, `date`)
);
--> statement-breakpoint
CREATE INDEX `schds_date_idx` ON `scheduler_daily_summary` (`date`);--> statement-breakpoint
CREATE TABLE `scheduler_metrics` (
	`id` text PRIMARY KEY NOT NULL,
	`position` text NOT NULL,
	`source` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`items_processed` integer DEFAULT 0 NOT NULL,
	`success` integer NOT NULL,
	`error` text,
	`timestamp` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sm_position_idx` ON `scheduler_metrics` (`position`);--> statement-breakpoint
CREATE INDEX `sm_source_time_idx` ON `scheduler_metrics` (`source`,`timestamp`);--> statement-breakpoint
CREATE INDEX `sm_time_idx` ON `scheduler_metrics` (`timestamp`);--> statement-breakpoint
CREATE TABLE `scraper_daily_summary` (
	`source` text NOT NULL,
	`date` text NOT NULL,
	`total_navigations` integer NOT NULL,
	`successful_navigations` integer NOT NULL,
	`total_scrapes` integer NOT NULL,
	`successful_scrapes` integer NOT NULL,
	`avg_navigation_ms` real,
	`min_navigation_ms` integer,
	`max_navigation_ms` integer,
	`p50_navigation_ms` real,
	`p95_navigation_ms` real,
	`p99_navigation_ms` real,
	`avg_scrape_ms` real,
	`min_scrape_ms` integer,
	`max_scrape_ms` integer,
	`p50_scrape_ms` real,
	`p95_scrape_ms` real,
	`p99_scrape_ms` real,
	`avg_retries` real,
	`total_items` integer NOT NULL,
	`avg_items` real,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`source`, `date`)
);
--> statement-breakpoint
CREATE INDEX `sds_date_idx` ON `scraper_daily_summary` (`date`);--> statement-breakpoint
CREATE TABLE `scraper_page_performance` (
	`id` text PRIMARY KEY NOT NULL,
	`position` text NOT NULL,
	`source` text NOT NULL,
	`type` text NOT NULL,
	`url` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`retry_count` integer DEFAULT 0 NOT NULL,
	`items_extracted` integer DEFAULT 0 NOT NULL,
	`data_size` integer DEFAULT 0 NOT NULL,
	`success` integer NOT NULL,
	`error` text,
	`timestamp` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `spp_position_idx` ON `scraper_page_performance` (`position`);--> statement-breakpoint
CREATE INDEX `spp_source_time_idx` ON `scraper_page_performance` (`source`,`timestamp`);--> statement-breakpoint
CREATE INDEX `spp_time_idx` ON `scraper_page_performance` (`timestamp`);
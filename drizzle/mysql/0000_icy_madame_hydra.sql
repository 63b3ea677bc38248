CREATE TABLE `aggregation_runs` (
	`date` date NOT NULL,
	`summarized_at` datetime(3) NOT NULL,
	`raw_rows` int NOT NULL,
	CONSTRAINT `aggregation_runs_date` PRIMARY KEY(`date`)
);
--> statement-breakpoint
CREATE TABLE `anomalies` (
	`id` varchar(26) NOT NULL,
	`source` varchar(100) NOT NULL,
	`metric` varchar(32) NOT NULL,
	`value` double NOT NULL,
	`baseline` double NOT NULL,
	`deviation_score` double NOT NULL,
	`direction` varchar(8) NOT NULL,
	`detected_at` datetime(3) NOT NULL,
	CONSTRAINT `anomalies_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `scheduler_daily_summary` (
	`source` varchar(100) NOT NULL,
	`date` date NOT NULL,
	`total_runs` int NOT NULL,
	`successful_runs` int NOT NULL,
	`avg_duration_ms` double,
	`min_duration_ms` int,
	`max_duration_ms` int,
	`p50_duration_ms` double,
	`p95_duration_ms` double,
	`p99_duration_ms` double,
	`total_items` bigint NOT NULL,
	`avg_items` double,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `scheduler_daily_summary_source_date_pk` PRIMARY KEY(`source`,`date`)
);
--> statement-breakpoint
CREATE TABLE `scheduler_metrics` (
	`id` varchar(26) NOT NULL,
	`position` varchar(32) NOT NULL,
	`source` varchar(100) NOT NULL,
	`duration_ms` int NOT NULL,
	`items_processed` int NOT NULL DEFAULT 0,
	`success` boolean NOT NULL,
	`error` text,
	`timestamp` datetime(3) NOT NULL,
	CONSTRAINT `scheduler_metrics_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `scraper_daily_summary` (
	`source` varchar(100) NOT NULL,
	`date` date NOT NULL,
	`total_navigations` int NOT NULL,
	`successful_navigations` int NOT NULL,
	`total_scrapes` int NOT NULL,
	`successful_scrapes` int NOT NULL,
	`avg_navigation_ms` double,
	`min_navigation_ms` int,
	`max_navigation_ms` int,
	`p50_navigation_ms` double,
	`p95_navigation_ms` double,
	`p99_navigation_ms` double,
	`avg_scrape_ms` double,
	`min_scrape_ms` int,
	`max_scrape_ms` int,
	`p50_scrape_ms` double,
	`p95_scrape_ms` double,
	`p99_scrape_ms` double,
	`avg_retries` double,
	`total_items` bigint NOT NULL,
	`avg_items` double,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `scraper_daily_summary_source_date_pk` PRIMARY KEY(`source`,`date`)
);
--> statement-breakpoint
CREATE TABLE `scraper_page_performance` (
	`id` varchar(26) NOT NULL,
	`position` varchar(32) NOT NULL,
	`source` varchar(100) NOT NULL,
	`type` varchar(16) NOT NULL,
	`url` varchar(2048) NOT NULL,
	`duration_ms` int NOT NULL,
	`retry_count` int NOT NULL DEFAULT 0,
	`items_extracted` int NOT NULL DEFAULT 0,
	`data_size` bigint NOT NULL DEFAULT 0,
	`success` boolean NOT NULL,
	`error` text,
	`timestamp` datetime(3) NOT NULL,
	CONSTRAINT `scraper_page_performance_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE INDEX `anomalies_source_time_idx` ON `anomalies` (`source`,`detected_at`);--> statement-breakpoint
CREATE INDEX `anomalies_time_idx` ON `anomalies` (`detected_at`);--> statement-breakpoint
CREATE INDEX `schds_date_idx` ON `scheduler_daily_summary` (`date`);--> statement-breakpoint
CREATE INDEX `sm_position_idx` ON `scheduler_metrics` (`position`);--> statement-breakpoint
CREATE INDEX `sm_source_time_idx` ON `scheduler_metrics` (`source`,`timestamp`);--> statement-breakpoint
CREATE INDEX `sm_time_idx` ON `scheduler_metrics` (`timestamp`);--> statement-breakpoint
CREATE INDEX `sds_date_idx` ON `scraper_daily_summary` (`date`);--> statement-breakpoint
CREATE INDEX `spp_position_idx` ON `scraper_page_performance` (`position`);--> statement-breakpoint
CREATE INDEX `spp_source_time_idx` ON `scraper_page_performance` (`source`,`timestamp`);--> statement-breakpoint
CREATE INDEX `spp_time_idx` ON `scraper_page_performance` (`timestamp`);
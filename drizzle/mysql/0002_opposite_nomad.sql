ALTER TABLE `scraper_daily_summary` ADD `blocked_navigations` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_daily_summary` ADD `status2xx` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_daily_summary` ADD `status3xx` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_daily_summary` ADD `status4xx` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_daily_summary` ADD `status5xx` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_page_performance` ADD `status_code` smallint;--> statement-breakpoint
ALTER TABLE `scraper_page_performance` ADD `blocked` boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_page_performance` ADD `block_reason` varchar(50);--> statement-breakpoint
ALTER TABLE `scraper_page_performance` ADD `proxy` varchar(100);--> statement-breakpoint
ALTER TABLE `scraper_page_performance` ADD `bytes` bigint;
ALTER TABLE `scraper_daily_summary` ADD `blocked_navigations` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_daily_summary` ADD `status2xx` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_daily_summary` ADD `status3xx` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_daily_summary` ADD `status4xx` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_daily_summary` ADD `status5xx` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_page_performance` ADD `status_code` integer;--> statement-breakpoint
ALTER TABLE `scraper_page_performance` ADD `blocked` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `scraper_page_performance` ADD `block_reason` text;--> statement-breakpoint
ALTER TABLE `scraper_page_performance` ADD `proxy` text;--> statement-breakpoint
ALTER TABLE `scraper_page_performance` ADD `bytes` integer;
CREATE TABLE `incidents` (
	`id` varchar(26) NOT NULL,
	`source` varchar(100) NOT NULL,
	`kind` varchar(16) NOT NULL,
	`incident_key` varchar(100) NOT NULL,
	`state` varchar(8) NOT NULL,
	`open_key` varchar(230),
	`opened_at` datetime(3) NOT NULL,
	`resolved_at` datetime(3),
	`summary` text NOT NULL,
	`details` text NOT NULL,
	`silenced` boolean NOT NULL DEFAULT false,
	CONSTRAINT `incidents_id` PRIMARY KEY(`id`),
	CONSTRAINT `incidents_open_key_idx` UNIQUE(`open_key`)
);
--> statement-breakpoint
CREATE TABLE `monitor_settings` (
	`source` varchar(100) NOT NULL,
	`settings` text NOT NULL,
	`schedule_set_at` datetime(3),
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `monitor_settings_source` PRIMARY KEY(`source`)
);
--> statement-breakpoint
CREATE TABLE `monitor_state` (
	`source` varchar(100) NOT NULL,
	`kind` varchar(16) NOT NULL,
	`state` text NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `monitor_state_source` PRIMARY KEY(`source`)
);
--> statement-breakpoint
CREATE TABLE `notification_channels` (
	`name` varchar(50) NOT NULL,
	`type` varchar(16) NOT NULL,
	`url` varchar(2048),
	`to_addresses` text,
	`secret` varchar(256),
	`sources` mediumtext,
	`kinds` text,
	`enabled` boolean NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `notification_channels_name` PRIMARY KEY(`name`)
);
--> statement-breakpoint
CREATE TABLE `notification_outbox` (
	`id` varchar(26) NOT NULL,
	`incident_id` varchar(64) NOT NULL,
	`source` varchar(100) NOT NULL,
	`kind` varchar(16) NOT NULL,
	`channel` varchar(50) NOT NULL,
	`type` varchar(24) NOT NULL,
	`status` varchar(16) NOT NULL,
	`payload` mediumtext NOT NULL,
	`attempts` int NOT NULL DEFAULT 0,
	`last_error` text,
	`created_at` datetime(3) NOT NULL,
	`next_attempt_at` datetime(3),
	`sent_at` datetime(3),
	`claimed_by` varchar(64),
	`lease_until` datetime(3),
	`released_at` datetime(3),
	CONSTRAINT `notification_outbox_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `silences` (
	`id` varchar(26) NOT NULL,
	`sources` mediumtext,
	`kinds` text,
	`starts_at` datetime(3) NOT NULL,
	`ends_at` datetime(3) NOT NULL,
	`reason` text NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `silences_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `scheduler_metrics` ADD `run_id` varchar(100);--> statement-breakpoint
ALTER TABLE `scheduler_metrics` ADD `state` varchar(8) DEFAULT 'finished' NOT NULL;--> statement-breakpoint
CREATE INDEX `incidents_source_idx` ON `incidents` (`source`,`id`);--> statement-breakpoint
CREATE INDEX `incidents_state_idx` ON `incidents` (`state`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `notification_outbox` (`channel`,`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_incident_idx` ON `notification_outbox` (`incident_id`);--> statement-breakpoint
CREATE INDEX `outbox_claim_idx` ON `notification_outbox` (`claimed_by`);--> statement-breakpoint
CREATE INDEX `outbox_status_type_idx` ON `notification_outbox` (`status`,`type`);--> statement-breakpoint
CREATE INDEX `silences_ends_idx` ON `silences` (`ends_at`);
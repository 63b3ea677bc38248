CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`incident_key` text NOT NULL,
	`state` text NOT NULL,
	`open_key` text,
	`opened_at` integer NOT NULL,
	`resolved_at` integer,
	`summary` text NOT NULL,
	`details` text NOT NULL,
	`silenced` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_open_key_idx` ON `incidents` (`open_key`);--> statement-breakpoint
CREATE INDEX `incidents_source_idx` ON `incidents` (`source`,`id`);--> statement-breakpoint
CREATE INDEX `incidents_state_idx` ON `incidents` (`state`,`id`);--> statement-breakpoint
CREATE TABLE `monitor_settings` (
	`source` text PRIMARY KEY NOT NULL,
	`settings` text NOT NULL,
	`schedule_set_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `monitor_state` (
	`source` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notification_channels` (
	`name` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`url` text,
	`to_addresses` text,
	`secret` text,
	`sources` text,
	`kinds` text,
	`enabled` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notification_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`type` text NOT NULL,
	`status` text NOT NULL,
	`payload` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`next_attempt_at` integer,
	`sent_at` integer,
	`claimed_by` text,
	`lease_until` integer,
	`released_at` integer
);
--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `notification_outbox` (`channel`,`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_incident_idx` ON `notification_outbox` (`incident_id`);--> statement-breakpoint
CREATE INDEX `outbox_claim_idx` ON `notification_outbox` (`claimed_by`);--> statement-breakpoint
CREATE INDEX `outbox_status_type_idx` ON `notification_outbox` (`status`,`type`);--> statement-breakpoint
CREATE TABLE `silences` (
	`id` text PRIMARY KEY NOT NULL,
	`sources` text,
	`kinds` text,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `silences_ends_idx` ON `silences` (`ends_at`);--> statement-breakpoint
ALTER TABLE `scheduler_metrics` ADD `run_id` text;--> statement-breakpoint
ALTER TABLE `scheduler_metrics` ADD `state` text DEFAULT 'finished' NOT NULL;
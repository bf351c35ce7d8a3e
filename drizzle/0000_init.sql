CREATE TYPE "public"."actor_type" AS ENUM('user', 'token', 'system');--> statement-breakpoint
CREATE TYPE "public"."alert_channel" AS ENUM('slack', 'webhook');--> statement-breakpoint
CREATE TYPE "public"."alert_condition" AS ENUM('anomaly', 'above', 'below');--> statement-breakpoint
CREATE TYPE "public"."alert_direction" AS ENUM('up', 'down', 'both');--> statement-breakpoint
CREATE TYPE "public"."alert_scope" AS ENUM('all', 'tags', 'metrics');--> statement-breakpoint
CREATE TYPE "public"."alert_state" AS ENUM('pending', 'firing', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."anomaly_direction" AS ENUM('up', 'down');--> statement-breakpoint
CREATE TYPE "public"."anomaly_status" AS ENUM('active', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."collection_outcome" AS ENUM('ok', 'failed');--> statement-breakpoint
CREATE TYPE "public"."data_source_kind" AS ENUM('postgres', 'clickhouse', 'embedded');--> statement-breakpoint
CREATE TYPE "public"."delivery_event" AS ENUM('firing', 'resolved', 'test');--> statement-breakpoint
CREATE TYPE "public"."delivery_status" AS ENUM('pending', 'delivered', 'failed');--> statement-breakpoint
CREATE TYPE "public"."member_role" AS ENUM('viewer', 'editor', 'admin');--> statement-breakpoint
CREATE TYPE "public"."metric_direction" AS ENUM('higher_is_better', 'lower_is_better', 'neutral');--> statement-breakpoint
CREATE TYPE "public"."metric_format" AS ENUM('number', 'currency', 'percent', 'duration');--> statement-breakpoint
CREATE TYPE "public"."metric_interval" AS ENUM('hour', 'day', 'week');--> statement-breakpoint
CREATE TYPE "public"."metric_kind" AS ENUM('fact', 'sql', 'composition');--> statement-breakpoint
CREATE TYPE "public"."metric_lifecycle" AS ENUM('draft', 'active', 'archived');--> statement-breakpoint
CREATE TYPE "public"."run_status" AS ENUM('pending', 'running', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."run_trigger" AS ENUM('cron', 'manual', 'backfill', 'api');--> statement-breakpoint
CREATE TYPE "public"."severity" AS ENUM('low', 'medium', 'high');--> statement-breakpoint
CREATE TYPE "public"."token_role" AS ENUM('viewer', 'editor');--> statement-breakpoint
CREATE TYPE "public"."type_bucket" AS ENUM('number', 'string', 'boolean', 'timestamp');--> statement-breakpoint
CREATE TYPE "public"."value_kind" AS ENUM('count', 'fractional');--> statement-breakpoint
CREATE TABLE "memberships" (
	"project_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "member_role" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_project_id_user_id_pk" PRIMARY KEY("project_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"retention" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projects_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rate_limits_key_window_start_pk" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text,
	"is_active" boolean DEFAULT true NOT NULL,
	"session_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "annotations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"metric_id" uuid,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"note" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "annotations_range_order" CHECK ("annotations"."ends_at" is null or "annotations"."ends_at" >= "annotations"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "data_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" "data_source_kind" NOT NULL,
	"config" jsonb NOT NULL,
	"secrets" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_tested_at" timestamp with time zone,
	"last_test_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_sources_project_name_unique" UNIQUE("project_id","name")
);
--> statement-breakpoint
CREATE TABLE "fact_tables" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"data_source_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"sql" text NOT NULL,
	"timestamp_column" text NOT NULL,
	"columns" jsonb NOT NULL,
	"identifier_columns" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fact_tables_project_name_unique" UNIQUE("project_id","name")
);
--> statement-breakpoint
CREATE TABLE "metric_dependencies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"metric_id" uuid NOT NULL,
	"fact_table_id" uuid,
	"input_metric_id" uuid,
	CONSTRAINT "metric_dependencies_one_target" CHECK (num_nonnulls("metric_dependencies"."fact_table_id", "metric_dependencies"."input_metric_id") = 1)
);
--> statement-breakpoint
CREATE TABLE "metric_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"metric_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"changed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_versions_metric_version_unique" UNIQUE("metric_id","version")
);
--> statement-breakpoint
CREATE TABLE "metrics" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"owner_id" uuid,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"format" "metric_format" DEFAULT 'number' NOT NULL,
	"direction" "metric_direction" DEFAULT 'neutral' NOT NULL,
	"interval" "metric_interval" NOT NULL,
	"lifecycle" "metric_lifecycle" DEFAULT 'draft' NOT NULL,
	"sensitivity" smallint DEFAULT 5 NOT NULL,
	"kind" "metric_kind" NOT NULL,
	"definition" jsonb NOT NULL,
	"value_kind" "value_kind" NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"watermark" timestamp with time zone,
	"last_collected_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_collection_status" "collection_outcome",
	"last_collection_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metrics_project_name_unique" UNIQUE("project_id","name"),
	CONSTRAINT "metrics_sensitivity_range" CHECK ("metrics"."sensitivity" between 1 and 10)
);
--> statement-breakpoint
CREATE TABLE "row_filters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"fact_table_id" uuid NOT NULL,
	"name" text NOT NULL,
	"expression" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "row_filters_fact_table_name_unique" UNIQUE("fact_table_id","name")
);
--> statement-breakpoint
CREATE TABLE "breakdown_values" (
	"metric_id" uuid NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"dimension" text NOT NULL,
	"dimension_value" text NOT NULL,
	"value" double precision,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "breakdown_values_pk" PRIMARY KEY("metric_id","bucket_start","dimension","dimension_value")
);
--> statement-breakpoint
CREATE TABLE "metric_values" (
	"metric_id" uuid NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"value" double precision,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_values_pk" PRIMARY KEY("metric_id","bucket_start")
);
--> statement-breakpoint
CREATE TABLE "collection_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"trigger" "run_trigger" NOT NULL,
	"status" "run_status" DEFAULT 'pending' NOT NULL,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"metrics_attempted" integer DEFAULT 0 NOT NULL,
	"metrics_written" integer DEFAULT 0 NOT NULL,
	"metrics_failed" integer DEFAULT 0 NOT NULL,
	"values_written" integer DEFAULT 0 NOT NULL,
	"anomalies_written" integer DEFAULT 0 NOT NULL,
	"progress_done" integer DEFAULT 0 NOT NULL,
	"progress_total" integer DEFAULT 0 NOT NULL,
	"details" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"heartbeat_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	CONSTRAINT "collection_runs_window_order" CHECK ("collection_runs"."window_end" is null or "collection_runs"."window_start" is null or "collection_runs"."window_end" >= "collection_runs"."window_start")
);
--> statement-breakpoint
CREATE TABLE "anomalies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"metric_id" uuid NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"dimension" text DEFAULT '' NOT NULL,
	"dimension_value" text DEFAULT '' NOT NULL,
	"value" double precision,
	"expected" double precision NOT NULL,
	"lower" double precision NOT NULL,
	"upper" double precision NOT NULL,
	"score" double precision NOT NULL,
	"severity" "severity" NOT NULL,
	"direction" "anomaly_direction" NOT NULL,
	"status" "anomaly_status" DEFAULT 'active' NOT NULL,
	"expected_event" boolean DEFAULT false NOT NULL,
	"note" text,
	"explanation" jsonb,
	"acknowledged_by" uuid,
	"acknowledged_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "anomalies_series_bucket_unique" UNIQUE("metric_id","bucket_start","dimension","dimension_value"),
	CONSTRAINT "anomalies_score_range" CHECK ("anomalies"."score" >= 0 and "anomalies"."score" <= 1),
	CONSTRAINT "anomalies_band_order" CHECK ("anomalies"."lower" <= "anomalies"."upper")
);
--> statement-breakpoint
CREATE TABLE "alert_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"metric_id" uuid,
	"anomaly_id" uuid,
	"event" "delivery_event" NOT NULL,
	"delivery_key" text NOT NULL,
	"status" "delivery_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"payload" jsonb NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "alert_deliveries_deliveryKey_unique" UNIQUE("delivery_key")
);
--> statement-breakpoint
CREATE TABLE "alert_delivery_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"delivery_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"status_code" integer,
	"error" text,
	"duration_ms" integer NOT NULL,
	"attempted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"scope" "alert_scope" DEFAULT 'all' NOT NULL,
	"scope_tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"scope_metric_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"condition" "alert_condition" DEFAULT 'anomaly' NOT NULL,
	"min_severity" "severity" DEFAULT 'medium' NOT NULL,
	"direction" "alert_direction" DEFAULT 'both' NOT NULL,
	"threshold" double precision,
	"pending_buckets" integer DEFAULT 1 NOT NULL,
	"channel" "alert_channel" NOT NULL,
	"secrets" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"target_host" text NOT NULL,
	"snoozed_until" timestamp with time zone,
	"mute_windows" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_rules_pending_positive" CHECK ("alert_rules"."pending_buckets" >= 1),
	CONSTRAINT "alert_rules_threshold_needed" CHECK ("alert_rules"."condition" = 'anomaly' or "alert_rules"."threshold" is not null)
);
--> statement-breakpoint
CREATE TABLE "alert_states" (
	"rule_id" uuid NOT NULL,
	"metric_id" uuid NOT NULL,
	"state" "alert_state" NOT NULL,
	"pending_count" integer DEFAULT 0 NOT NULL,
	"last_bucket" timestamp with time zone,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_states_rule_id_metric_id_pk" PRIMARY KEY("rule_id","metric_id")
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"role" "token_role" NOT NULL,
	"token_hash" text NOT NULL,
	"token_prefix" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid,
	"actor_type" "actor_type" NOT NULL,
	"actor_id" text NOT NULL,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_sources" ADD CONSTRAINT "data_sources_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fact_tables" ADD CONSTRAINT "fact_tables_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fact_tables" ADD CONSTRAINT "fact_tables_data_source_id_data_sources_id_fk" FOREIGN KEY ("data_source_id") REFERENCES "public"."data_sources"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_dependencies" ADD CONSTRAINT "metric_dependencies_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_dependencies" ADD CONSTRAINT "metric_dependencies_fact_table_id_fact_tables_id_fk" FOREIGN KEY ("fact_table_id") REFERENCES "public"."fact_tables"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_dependencies" ADD CONSTRAINT "metric_dependencies_input_metric_id_metrics_id_fk" FOREIGN KEY ("input_metric_id") REFERENCES "public"."metrics"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_versions" ADD CONSTRAINT "metric_versions_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_versions" ADD CONSTRAINT "metric_versions_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metrics" ADD CONSTRAINT "metrics_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metrics" ADD CONSTRAINT "metrics_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "row_filters" ADD CONSTRAINT "row_filters_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "row_filters" ADD CONSTRAINT "row_filters_fact_table_id_fact_tables_id_fk" FOREIGN KEY ("fact_table_id") REFERENCES "public"."fact_tables"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breakdown_values" ADD CONSTRAINT "breakdown_values_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_values" ADD CONSTRAINT "metric_values_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_runs" ADD CONSTRAINT "collection_runs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_runs" ADD CONSTRAINT "collection_runs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anomalies" ADD CONSTRAINT "anomalies_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anomalies" ADD CONSTRAINT "anomalies_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "anomalies" ADD CONSTRAINT "anomalies_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_rule_id_alert_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."alert_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_anomaly_id_anomalies_id_fk" FOREIGN KEY ("anomaly_id") REFERENCES "public"."anomalies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_delivery_attempts" ADD CONSTRAINT "alert_delivery_attempts_delivery_id_alert_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."alert_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_states" ADD CONSTRAINT "alert_states_rule_id_alert_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."alert_rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_states" ADD CONSTRAINT "alert_states_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_entries" ADD CONSTRAINT "audit_entries_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "memberships_user_idx" ON "memberships" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_unique" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "annotations_project_time_idx" ON "annotations" USING btree ("project_id","starts_at");--> statement-breakpoint
CREATE INDEX "fact_tables_data_source_idx" ON "fact_tables" USING btree ("data_source_id");--> statement-breakpoint
CREATE INDEX "metric_dependencies_metric_idx" ON "metric_dependencies" USING btree ("metric_id");--> statement-breakpoint
CREATE INDEX "metric_dependencies_fact_table_idx" ON "metric_dependencies" USING btree ("fact_table_id");--> statement-breakpoint
CREATE INDEX "metric_dependencies_input_metric_idx" ON "metric_dependencies" USING btree ("input_metric_id");--> statement-breakpoint
CREATE INDEX "metrics_project_lifecycle_idx" ON "metrics" USING btree ("project_id","lifecycle");--> statement-breakpoint
CREATE INDEX "breakdown_values_read_idx" ON "breakdown_values" USING btree ("metric_id","dimension","bucket_start");--> statement-breakpoint
CREATE INDEX "collection_runs_project_created_idx" ON "collection_runs" USING btree ("project_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "collection_runs_status_lease_idx" ON "collection_runs" USING btree ("status","locked_until");--> statement-breakpoint
CREATE INDEX "anomalies_project_status_idx" ON "anomalies" USING btree ("project_id","status","bucket_start" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "anomalies_metric_bucket_idx" ON "anomalies" USING btree ("metric_id","bucket_start");--> statement-breakpoint
CREATE INDEX "alert_deliveries_due_idx" ON "alert_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "alert_deliveries_project_created_idx" ON "alert_deliveries" USING btree ("project_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "alert_delivery_attempts_delivery_idx" ON "alert_delivery_attempts" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "alert_rules_project_idx" ON "alert_rules" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "api_tokens_project_idx" ON "api_tokens" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "audit_entries_project_created_idx" ON "audit_entries" USING btree ("project_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_entries_resource_idx" ON "audit_entries" USING btree ("resource_type","resource_id");
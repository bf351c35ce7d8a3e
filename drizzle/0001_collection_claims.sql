ALTER TABLE "metrics" ADD COLUMN "next_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "metrics" ADD COLUMN "claimed_by_run_id" uuid;--> statement-breakpoint
ALTER TABLE "metrics" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "collection_runs" ADD COLUMN "request" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "metrics_due_idx" ON "metrics" USING btree ("lifecycle","next_due_at");
ALTER TABLE "metric_values" ADD COLUMN "expected" double precision;--> statement-breakpoint
ALTER TABLE "metric_values" ADD COLUMN "lower" double precision;--> statement-breakpoint
ALTER TABLE "metric_values" ADD COLUMN "upper" double precision;--> statement-breakpoint
ALTER TABLE "metric_values" ADD COLUMN "score" double precision;--> statement-breakpoint
CREATE INDEX "metric_values_recent_idx" ON "metric_values" USING btree ("metric_id","bucket_start","value");--> statement-breakpoint
ALTER TABLE "metric_values" ADD CONSTRAINT "metric_values_band_order" CHECK ("metric_values"."lower" <= "metric_values"."upper");--> statement-breakpoint
ALTER TABLE "metric_values" ADD CONSTRAINT "metric_values_score_range" CHECK ("metric_values"."score" >= 0 and "metric_values"."score" <= 1);
CREATE TABLE "series_versions" (
	"metric_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "series_versions" ADD CONSTRAINT "series_versions_metric_id_metrics_id_fk" FOREIGN KEY ("metric_id") REFERENCES "public"."metrics"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Statement-level triggers with transition tables: one bump per metric per statement, however many rows it wrote.
-- Versions are taken in metric id order so two writers bumping the same metrics cannot deadlock on them; the
-- join to metrics skips metrics deleted by the same statement (their values go with them by cascade).
CREATE FUNCTION "bump_series_versions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "series_versions" AS v ("metric_id", "version")
    SELECT m."id", 1 FROM "metrics" m WHERE m."id" IN (SELECT "metric_id" FROM "changed") ORDER BY m."id"
  ON CONFLICT ("metric_id") DO UPDATE SET "version" = v."version" + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- An annotation without a metric covers every metric of its project.
CREATE FUNCTION "bump_series_versions_for_annotations"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "series_versions" AS v ("metric_id", "version")
    SELECT m."id", 1 FROM "metrics" m
    WHERE m."id" IN (SELECT "metric_id" FROM "changed")
       OR m."project_id" IN (SELECT "project_id" FROM "changed" WHERE "metric_id" IS NULL)
    ORDER BY m."id"
  ON CONFLICT ("metric_id") DO UPDATE SET "version" = v."version" + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "metric_values_inserted" AFTER INSERT ON "metric_values" REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "bump_series_versions"();
--> statement-breakpoint
CREATE TRIGGER "metric_values_updated" AFTER UPDATE ON "metric_values" REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "bump_series_versions"();
--> statement-breakpoint
CREATE TRIGGER "metric_values_deleted" AFTER DELETE ON "metric_values" REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "bump_series_versions"();
--> statement-breakpoint
CREATE TRIGGER "anomalies_inserted" AFTER INSERT ON "anomalies" REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "bump_series_versions"();
--> statement-breakpoint
CREATE TRIGGER "anomalies_updated" AFTER UPDATE ON "anomalies" REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "bump_series_versions"();
--> statement-breakpoint
CREATE TRIGGER "anomalies_deleted" AFTER DELETE ON "anomalies" REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "bump_series_versions"();
--> statement-breakpoint
CREATE TRIGGER "annotations_inserted" AFTER INSERT ON "annotations" REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "bump_series_versions_for_annotations"();
--> statement-breakpoint
CREATE TRIGGER "annotations_updated" AFTER UPDATE ON "annotations" REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "bump_series_versions_for_annotations"();
--> statement-breakpoint
CREATE TRIGGER "annotations_deleted" AFTER DELETE ON "annotations" REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT EXECUTE FUNCTION "bump_series_versions_for_annotations"();
